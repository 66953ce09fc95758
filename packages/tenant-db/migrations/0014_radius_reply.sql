-- What an Access-Accept carries for a plan, defined once: our RADIUS server selects it with a
-- login's standing, and FreeRADIUS reads it through radgroupreply. `extra` (the walled garden's
-- attributes) replaces the plan's vendor attributes of the same name. To add an attribute, add a
-- row here (in a new migration) and, if it is vendor-specific, its vendor in the contracts'
-- replyAttributeDictionary.
CREATE OR REPLACE FUNCTION radius_reply(p service_plans, extra jsonb)
RETURNS TABLE (id integer, attribute text, value text)
LANGUAGE sql STABLE AS $$
  SELECT a.id, a.attribute, a.value
    FROM (VALUES
      (1, 'Acct-Interim-Interval', p.interim_interval_seconds::text),
      (2, 'Mikrotik-Rate-Limit', radius_mikrotik_rate_limit(p)),
      (3, 'WISPr-Bandwidth-Max-Up', (p.upload_kbps::bigint * 1000)::text),
      (4, 'WISPr-Bandwidth-Max-Down', (p.download_kbps::bigint * 1000)::text),
      (5, 'Session-Timeout', p.session_timeout_seconds::text)
    ) AS a(id, attribute, value)
   WHERE a.value IS NOT NULL
  UNION ALL
  SELECT (100 + row_number() OVER (ORDER BY v.key))::integer, v.key, v.value
    FROM jsonb_each_text(coalesce(p.vendor_attributes, '{}') || coalesce(extra, '{}')) AS v(key, value)
$$;
--> statement-breakpoint
CREATE OR REPLACE VIEW radgroupreply AS
SELECT g.groupname, r.id, r.attribute, ':='::text AS op, r.value
  FROM service_plans p
 CROSS JOIN LATERAL (VALUES
   (p.name, NULL::jsonb),
   (p.name || ' [walled garden]', (SELECT walled_garden_attributes FROM billing_settings))
 ) AS g(groupname, extra)
 CROSS JOIN LATERAL radius_reply(p, g.extra) AS r;
