CREATE SEQUENCE "public"."support_ticket_number" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"priority" text PRIMARY KEY NOT NULL,
	"first_response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_priority" CHECK (priority in ('low', 'normal', 'high', 'urgent')),
	CONSTRAINT "sla_policies_minutes" CHECK ("sla_policies"."first_response_minutes" > 0 and "sla_policies"."resolution_minutes" >= "sla_policies"."first_response_minutes")
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigint DEFAULT nextval('support_ticket_number') NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"category" text NOT NULL,
	"priority" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assignee_id" uuid,
	"opened_by_type" text NOT NULL,
	"opened_by_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_response_due_at" timestamp with time zone NOT NULL,
	"first_responded_at" timestamp with time zone,
	"resolution_due_at" timestamp with time zone,
	"resolution_left" interval,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "support_tickets_status" CHECK (status in ('open', 'pending', 'resolved', 'closed')),
	CONSTRAINT "support_tickets_priority" CHECK (priority in ('low', 'normal', 'high', 'urgent')),
	CONSTRAINT "support_tickets_category" CHECK (category in ('connectivity', 'speed', 'billing', 'installation', 'equipment', 'account', 'other')),
	CONSTRAINT "support_tickets_opened_by" CHECK (opened_by_type in ('staff', 'subscriber')),
	CONSTRAINT "support_tickets_clock" CHECK (("support_tickets"."status" = 'pending') = ("support_tickets"."resolution_due_at" is null) and ("support_tickets"."status" = 'pending') = ("support_tickets"."resolution_left" is not null)),
	CONSTRAINT "support_tickets_closed" CHECK (("support_tickets"."status" = 'closed') = ("support_tickets"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "ticket_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"author_type" text NOT NULL,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"internal" boolean DEFAULT false NOT NULL,
	"mail_outcome" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_messages_author" CHECK (author_type in ('staff', 'subscriber')),
	CONSTRAINT "ticket_messages_internal_staff" CHECK (not "ticket_messages"."internal" or "ticket_messages"."author_type" = 'staff')
);
--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_assignee_id_staff_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_support_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."support_tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "support_tickets_number" ON "support_tickets" USING btree ("number");--> statement-breakpoint
CREATE INDEX "support_tickets_status_number" ON "support_tickets" USING btree ("status","number");--> statement-breakpoint
CREATE INDEX "support_tickets_assignee_number" ON "support_tickets" USING btree ("assignee_id","status","number");--> statement-breakpoint
CREATE INDEX "support_tickets_unassigned_number" ON "support_tickets" USING btree ("number") WHERE "support_tickets"."assignee_id" is null and "support_tickets"."status" in ('open', 'pending');--> statement-breakpoint
CREATE INDEX "support_tickets_subscriber_number" ON "support_tickets" USING btree ("subscriber_id","number");--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket" ON "ticket_messages" USING btree ("ticket_id","id");--> statement-breakpoint
-- What a new tenant starts with; its staff change them on the helpdesk's settings.
INSERT INTO "sla_policies" ("priority", "first_response_minutes", "resolution_minutes") VALUES
  ('urgent', 60, 240),
  ('high', 240, 1440),
  ('normal', 480, 4320),
  ('low', 1440, 10080);
