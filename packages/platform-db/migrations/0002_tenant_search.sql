-- pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "tenants_slug_trgm" ON "tenants" USING gin ("slug" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tenants_name_trgm" ON "tenants" USING gin ("display_name" gin_trgm_ops);