CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"reference" text,
	"recorded_by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_positive" CHECK ("refunds"."amount_minor" > 0)
);
--> statement-breakpoint
DROP INDEX "invoices_subscriber_period";--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD COLUMN "segment" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "segment" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "cycle_price_minor" bigint;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "cycle_start" date;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "refund_id" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_payment" ON "refunds" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "refunds_subscriber" ON "refunds" USING btree ("subscriber_id","at");--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Invoices billed before segments existed are all of the first one; their own line is the price
-- of their own period (a credit for unused days of it is then by day within that period).
UPDATE "invoices" i SET "segment" = 0, "cycle_start" = i."period_start",
       "cycle_price_minor" = (SELECT coalesce(sum(l."quantity" * l."unit_minor"), 0) FROM "invoice_lines" l WHERE l."invoice_id" = i."id")
 WHERE i."kind" = 'invoice' AND i."period_start" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_subscriber_period" ON "invoices" USING btree ("subscriber_id","segment","period_start") WHERE "invoices"."kind" = 'invoice' and "invoices"."period_start" is not null and "invoices"."status" <> 'void';--> statement-breakpoint
CREATE TRIGGER refunds_append_only BEFORE UPDATE OR DELETE ON refunds
  FOR EACH ROW EXECUTE FUNCTION append_only();
