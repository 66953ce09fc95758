-- A plan's extra vendor attributes (service_plans.vendor_attributes) join its group reply, so a
-- stock FreeRADIUS answers with them exactly as our server does.
CREATE OR REPLACE VIEW radgroupreply AS
SELECT p.name AS groupname, a.id, a.attribute, ':='::text AS op, a.value
  FROM service_plans p
 CROSS JOIN LATERAL (VALUES
   (1, 'Acct-Interim-Interval', p.interim_interval_seconds::text),
   (2, 'Mikrotik-Rate-Limit', radius_mikrotik_rate_limit(p)),
   (3, 'WISPr-Bandwidth-Max-Up', (p.upload_kbps::bigint * 1000)::text),
   (4, 'WISPr-Bandwidth-Max-Down', (p.download_kbps::bigint * 1000)::text),
   (5, 'Session-Timeout', p.session_timeout_seconds::text)
 ) AS a(id, attribute, value)
 WHERE a.value IS NOT NULL
UNION ALL
SELECT p.name, (100 + row_number() OVER (PARTITION BY p.id ORDER BY v.key))::integer, v.key, ':=', v.value
  FROM service_plans p
 CROSS JOIN LATERAL jsonb_each_text(p.vendor_attributes) AS v(key, value);
