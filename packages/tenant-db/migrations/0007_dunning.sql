CREATE TABLE "dunning_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"invoice_id" uuid,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "dunning_events_kind" CHECK (kind in ('reminder', 'notice', 'walled_garden', 'suspend', 'terminate', 'restore'))
);
--> statement-breakpoint
CREATE TABLE "dunning_states" (
	"subscriber_id" uuid PRIMARY KEY NOT NULL,
	"walled_garden_since" timestamp with time zone,
	"suspended_at" timestamp with time zone,
	"paused_until" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_settings" ADD COLUMN "dunning_policy" jsonb DEFAULT '[{"daysOverdue":-3,"action":"reminder"},{"daysOverdue":1,"action":"notice"},{"daysOverdue":7,"action":"walled_garden"},{"daysOverdue":14,"action":"suspend"}]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "billing_settings" ADD COLUMN "walled_garden_attributes" jsonb DEFAULT '{"Mikrotik-Address-List":"walled-garden"}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "dunning_events" ADD CONSTRAINT "dunning_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_events" ADD CONSTRAINT "dunning_events_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_states" ADD CONSTRAINT "dunning_states_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_events_step" ON "dunning_events" USING btree ("invoice_id","kind") WHERE "dunning_events"."invoice_id" is not null;--> statement-breakpoint
CREATE INDEX "dunning_events_subscriber" ON "dunning_events" USING btree ("subscriber_id","at");--> statement-breakpoint
-- What dunning did is a record, as the ledger is.
CREATE TRIGGER dunning_events_append_only BEFORE UPDATE OR DELETE ON dunning_events
  FOR EACH ROW EXECUTE FUNCTION append_only();
--> statement-breakpoint
-- A login in the walled garden is accepted, with the tenant's walled-garden attributes over its
-- plan's: our server reads walled_garden here, FreeRADIUS gets the plan's walled-garden group.
CREATE OR REPLACE VIEW radius_standing AS
SELECT c.username, c.subscriber_id, c.password_encrypted, s.status, host(s.static_ip) AS static_ip, s.plan_id,
  CASE
    WHEN s.status = 'pending' THEN 'account not yet active'
    WHEN s.status = 'suspended' THEN 'account suspended'
    WHEN s.status = 'terminated' THEN 'account terminated'
    WHEN s.plan_id IS NULL THEN 'no service plan'
    WHEN p.data_cap_bytes IS NOT NULL AND p.cap_mode = 'hard' AND (
      SELECT coalesce(sum(a.input_octets + a.output_octets), 0) FROM accounting_sessions a
       WHERE a.subscriber_id = s.id
         AND a.started_at >= date_trunc(CASE p.billing_cycle WHEN 'monthly' THEN 'month'
                                          WHEN 'quarterly' THEN 'quarter' ELSE 'year' END, now())
    ) >= p.data_cap_bytes THEN 'data cap reached'
  END AS refusal,
  d.walled_garden_since IS NOT NULL AS walled_garden
FROM radius_credentials c
JOIN subscribers s ON s.id = c.subscriber_id
LEFT JOIN service_plans p ON p.id = s.plan_id
LEFT JOIN dunning_states d ON d.subscriber_id = s.id;--> statement-breakpoint
CREATE OR REPLACE VIEW radusergroup AS
SELECT r.username, CASE WHEN r.walled_garden THEN p.name || ' [walled garden]' ELSE p.name END AS groupname,
       1 AS priority
  FROM radius_standing r JOIN service_plans p ON p.id = r.plan_id
 WHERE r.refusal IS NULL;--> statement-breakpoint
-- Each plan has its group and a walled-garden twin, whose vendor attributes are the plan's with
-- the tenant's walled-garden attributes over them (a group's reply cannot differ per user).
CREATE OR REPLACE VIEW radgroupreply AS
SELECT g.groupname, a.id, a.attribute, ':='::text AS op, a.value
  FROM service_plans p
 CROSS JOIN LATERAL (VALUES (p.name), (p.name || ' [walled garden]')) AS g(groupname)
 CROSS JOIN LATERAL (VALUES
   (1, 'Acct-Interim-Interval', p.interim_interval_seconds::text),
   (2, 'Mikrotik-Rate-Limit', radius_mikrotik_rate_limit(p)),
   (3, 'WISPr-Bandwidth-Max-Up', (p.upload_kbps::bigint * 1000)::text),
   (4, 'WISPr-Bandwidth-Max-Down', (p.download_kbps::bigint * 1000)::text),
   (5, 'Session-Timeout', p.session_timeout_seconds::text)
 ) AS a(id, attribute, value)
 WHERE a.value IS NOT NULL
UNION ALL
SELECT g.groupname, (100 + row_number() OVER (PARTITION BY g.groupname ORDER BY v.key))::integer, v.key, ':=', v.value
  FROM service_plans p
 CROSS JOIN LATERAL (
   SELECT p.name, p.vendor_attributes
   UNION ALL
   SELECT p.name || ' [walled garden]', p.vendor_attributes || w.walled_garden_attributes FROM billing_settings w
 ) AS g(groupname, attributes)
 CROSS JOIN LATERAL jsonb_each_text(g.attributes) AS v(key, value);
