DROP INDEX "subscribers_plan";--> statement-breakpoint
CREATE INDEX "subscribers_status_plan_created" ON "subscribers" USING btree ("status","plan_id","created_at");--> statement-breakpoint
CREATE INDEX "subscribers_plan_created" ON "subscribers" USING btree ("plan_id","created_at");