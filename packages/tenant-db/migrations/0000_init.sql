-- pg_trgm (name search) is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE SEQUENCE "public"."subscriber_account_number" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1;--> statement-breakpoint
CREATE TABLE "accounting_sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"nas_id" uuid NOT NULL,
	"acct_session_id" text NOT NULL,
	"subscriber_id" uuid,
	"username" text NOT NULL,
	"nas_ip" "inet" NOT NULL,
	"nas_port" text,
	"framed_ip" "inet",
	"calling_station_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"session_seconds" integer DEFAULT 0 NOT NULL,
	"input_octets" bigint DEFAULT 0 NOT NULL,
	"output_octets" bigint DEFAULT 0 NOT NULL,
	"terminate_cause" text
);
--> statement-breakpoint
CREATE TABLE "audit_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"before" jsonb,
	"after" jsonb,
	CONSTRAINT "audit_logs_actor_type" CHECK (actor_type in ('staff', 'system', 'radius'))
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"serial" text NOT NULL,
	"model" text NOT NULL,
	"mac" "macaddr",
	"genieacs_id" text,
	"subscriber_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nas_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"network" "cidr" NOT NULL,
	"vendor" text DEFAULT 'mikrotik' NOT NULL,
	"secret_encrypted" "bytea" NOT NULL,
	"coa_port" integer DEFAULT 3799 NOT NULL,
	"require_message_authenticator" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "nas_clients_name_unique" UNIQUE("name"),
	CONSTRAINT "nas_clients_coa_port" CHECK ("nas_clients"."coa_port" between 1 and 65535)
);
--> statement-breakpoint
CREATE TABLE "radius_credentials" (
	"subscriber_id" uuid PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_encrypted" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"download_kbps" integer NOT NULL,
	"upload_kbps" integer NOT NULL,
	"burst_download_kbps" integer,
	"burst_upload_kbps" integer,
	"burst_threshold_percent" smallint,
	"burst_seconds" integer,
	"data_cap_bytes" bigint,
	"cap_mode" text DEFAULT 'hard' NOT NULL,
	"price_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"billing_cycle" text DEFAULT 'monthly' NOT NULL,
	"session_timeout_seconds" integer,
	"interim_interval_seconds" integer DEFAULT 300 NOT NULL,
	"vendor_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_plans_name_unique" UNIQUE("name"),
	CONSTRAINT "service_plans_speeds" CHECK ("service_plans"."download_kbps" > 0 and "service_plans"."upload_kbps" > 0),
	CONSTRAINT "service_plans_burst" CHECK (("service_plans"."burst_download_kbps" is null or "service_plans"."burst_download_kbps" >= "service_plans"."download_kbps")
      and ("service_plans"."burst_upload_kbps" is null or "service_plans"."burst_upload_kbps" >= "service_plans"."upload_kbps")),
	CONSTRAINT "service_plans_price" CHECK ("service_plans"."price_minor" >= 0),
	CONSTRAINT "service_plans_currency" CHECK ("service_plans"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "service_plans_cycle" CHECK (billing_cycle in ('monthly', 'quarterly', 'yearly')),
	CONSTRAINT "service_plans_cap_mode" CHECK (cap_mode in ('hard', 'soft'))
);
--> statement-breakpoint
CREATE TABLE "staff_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"permissions" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_roles_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscriber_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_number" bigint DEFAULT nextval('subscriber_account_number') NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text,
	"service_address" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"plan_id" uuid,
	"static_ip" "inet",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscribers_status_known" CHECK (status in ('pending', 'active', 'suspended', 'terminated'))
);
--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD CONSTRAINT "accounting_sessions_nas_id_nas_clients_id_fk" FOREIGN KEY ("nas_id") REFERENCES "public"."nas_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD CONSTRAINT "accounting_sessions_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "radius_credentials" ADD CONSTRAINT "radius_credentials_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_role_id_staff_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."staff_roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriber_status_history" ADD CONSTRAINT "subscriber_status_history_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_plan_id_service_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."service_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_sessions_nas_session" ON "accounting_sessions" USING btree ("nas_id","acct_session_id");--> statement-breakpoint
CREATE INDEX "accounting_sessions_open_username" ON "accounting_sessions" USING btree ("username") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "accounting_sessions_open_framed_ip" ON "accounting_sessions" USING btree ("framed_ip") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "accounting_sessions_open_nas" ON "accounting_sessions" USING btree ("nas_id") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "accounting_sessions_subscriber" ON "accounting_sessions" USING btree ("subscriber_id","started_at");--> statement-breakpoint
CREATE INDEX "accounting_sessions_started_brin" ON "accounting_sessions" USING brin ("started_at");--> statement-breakpoint
CREATE INDEX "audit_logs_at" ON "audit_logs" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_logs_target" ON "audit_logs" USING btree ("target_type","target_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_serial" ON "devices" USING btree ("serial");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_mac" ON "devices" USING btree ("mac");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_genieacs" ON "devices" USING btree ("genieacs_id");--> statement-breakpoint
CREATE INDEX "devices_subscriber" ON "devices" USING btree ("subscriber_id");--> statement-breakpoint
CREATE UNIQUE INDEX "nas_clients_network" ON "nas_clients" USING btree ("network");--> statement-breakpoint
CREATE INDEX "nas_clients_network_gist" ON "nas_clients" USING gist ("network" inet_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "radius_credentials_username" ON "radius_credentials" USING btree ("username");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_sessions_hash" ON "staff_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "staff_sessions_user" ON "staff_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_email" ON "staff_users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "subscriber_status_history_subscriber" ON "subscriber_status_history" USING btree ("subscriber_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_account_number" ON "subscribers" USING btree ("account_number");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_static_ip" ON "subscribers" USING btree ("static_ip");--> statement-breakpoint
CREATE INDEX "subscribers_status_created" ON "subscribers" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "subscribers_plan" ON "subscribers" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "subscribers_created" ON "subscribers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "subscribers_name_trgm" ON "subscribers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "subscribers_email" ON "subscribers" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "subscribers_phone" ON "subscribers" USING btree ("phone");