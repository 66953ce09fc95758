ALTER TABLE "accounting_sessions" ADD COLUMN "acct_unique_id" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "realm" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "nas_port_type" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "acct_authentic" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "connect_info_start" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "connect_info_stop" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "called_station_id" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "service_type" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "framed_protocol" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "framed_ipv6_address" "inet";--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "framed_ipv6_prefix" "inet";--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "framed_interface_id" text;--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "delegated_ipv6_prefix" "inet";--> statement-breakpoint
ALTER TABLE "accounting_sessions" ADD COLUMN "acct_interval" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_sessions_acct_unique_id" ON "accounting_sessions" USING btree ("acct_unique_id");--> statement-breakpoint
-- FreeRADIUS compatibility: the tables a stock FreeRADIUS 3.2 rlm_sql (postgresql dialect) reads
-- and writes, as views over ours, so an ISP can point its own FreeRADIUS at a tenant database.
-- pgcrypto is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pgcrypto;--> statement-breakpoint
-- Opens a SecretBox value (version 1 | nonce 12 | tag 16 | AES-256-GCM ciphertext) with the key
-- the connection carries in dotmac.secrets_key (libpq: options='-c dotmac.secrets_key=<base64>').
-- GCM's keystream is AES-CTR from counter 2, which pgcrypto's AES-ECB can produce; pgcrypto has
-- no GHASH, so the tag and the row binding are checked by our server only, not here.
CREATE FUNCTION dotmac_open_secret(sealed bytea) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
  encoded text := current_setting('dotmac.secrets_key', true);
  key bytea;
  nonce bytea;
  body bytea;
  stream bytea := ''::bytea;
  counter integer := 2;
BEGIN
  IF encoded IS NULL OR encoded = '' THEN
    RAISE EXCEPTION 'set dotmac.secrets_key on the connection (options=''-c dotmac.secrets_key=<TENANT_SECRETS_KEY>'')';
  END IF;
  key := decode(encoded, 'base64');
  IF length(key) <> 32 THEN RAISE EXCEPTION 'dotmac.secrets_key is not base64 of 32 bytes'; END IF;
  IF length(sealed) < 29 OR get_byte(sealed, 0) <> 1 THEN RAISE EXCEPTION 'not a sealed secret'; END IF;
  nonce := substring(sealed FROM 2 FOR 12);
  body := substring(sealed FROM 30);
  WHILE length(stream) < length(body) LOOP
    stream := stream || encrypt(nonce || int4send(counter), key, 'aes-ecb/pad:none');
    counter := counter + 1;
  END LOOP;
  FOR i IN 0 .. length(body) - 1 LOOP
    body := set_byte(body, i, get_byte(body, i) # get_byte(stream, i));
  END LOOP;
  RETURN convert_from(body, 'UTF8');
END
$$;--> statement-breakpoint
-- One rate in MikroTik's notation: whole megabits as "<n>M", anything else as "<n>k".
CREATE FUNCTION radius_rate(kbps integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN kbps % 1000 = 0 THEN (kbps / 1000)::text || 'M' ELSE kbps::text || 'k' END;--> statement-breakpoint
-- MikroTik's rate limit, "rx/tx" from the router's side (upload/download), then with burst
-- "burst-rx/burst-tx threshold-rx/threshold-tx time-rx/time-tx". Our server answers with this too.
CREATE FUNCTION radius_mikrotik_rate_limit(p service_plans) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN radius_rate(p.upload_kbps) || '/' || radius_rate(p.download_kbps) ||
  CASE WHEN p.burst_download_kbps IS NULL AND p.burst_upload_kbps IS NULL THEN '' ELSE
    ' ' || radius_rate(coalesce(p.burst_upload_kbps, p.upload_kbps)) || '/' ||
    radius_rate(coalesce(p.burst_download_kbps, p.download_kbps)) || ' ' ||
    radius_rate(greatest(1, round(p.upload_kbps * coalesce(p.burst_threshold_percent, 75) / 100.0))::integer) || '/' ||
    radius_rate(greatest(1, round(p.download_kbps * coalesce(p.burst_threshold_percent, 75) / 100.0))::integer) || ' ' ||
    coalesce(p.burst_seconds, 10)::text || '/' || coalesce(p.burst_seconds, 10)::text
  END;--> statement-breakpoint
-- Whether a login may be accepted, and if not why (the Reply-Message). Our server and the
-- FreeRADIUS views both decide from here.
CREATE VIEW radius_standing AS
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
  END AS refusal
FROM radius_credentials c
JOIN subscribers s ON s.id = c.subscriber_id
LEFT JOIN service_plans p ON p.id = s.plan_id;--> statement-breakpoint
CREATE VIEW radcheck AS
SELECT 1 AS id, username, 'Cleartext-Password'::text AS attribute, ':='::text AS op,
       dotmac_open_secret(password_encrypted) AS value
  FROM radius_standing
UNION ALL
SELECT 2, username, 'Auth-Type', ':=', 'Reject' FROM radius_standing WHERE refusal IS NOT NULL;--> statement-breakpoint
CREATE VIEW radreply AS
SELECT 1 AS id, username, 'Reply-Message'::text AS attribute, ':='::text AS op, refusal AS value
  FROM radius_standing WHERE refusal IS NOT NULL
UNION ALL
SELECT 2, username, 'Framed-IP-Address', ':=', static_ip
  FROM radius_standing WHERE refusal IS NULL AND static_ip IS NOT NULL;--> statement-breakpoint
-- A subscriber in good standing is in its plan's group; the plan's attributes are the group's reply.
CREATE VIEW radusergroup AS
SELECT r.username, p.name AS groupname, 1 AS priority
  FROM radius_standing r JOIN service_plans p ON p.id = r.plan_id
 WHERE r.refusal IS NULL;--> statement-breakpoint
CREATE VIEW radgroupcheck AS
SELECT 0 AS id, ''::text AS groupname, ''::text AS attribute, ':='::text AS op, ''::text AS value WHERE false;--> statement-breakpoint
CREATE VIEW radgroupreply AS
SELECT p.name AS groupname, a.id, a.attribute, ':='::text AS op, a.value
  FROM service_plans p
 CROSS JOIN LATERAL (VALUES
   (1, 'Acct-Interim-Interval', p.interim_interval_seconds::text),
   (2, 'Mikrotik-Rate-Limit', radius_mikrotik_rate_limit(p)),
   (3, 'WISPr-Bandwidth-Max-Up', (p.upload_kbps::bigint * 1000)::text),
   (4, 'WISPr-Bandwidth-Max-Down', (p.download_kbps::bigint * 1000)::text),
   (5, 'Session-Timeout', p.session_timeout_seconds::text)
 ) AS a(id, attribute, value)
 WHERE a.value IS NOT NULL;--> statement-breakpoint
CREATE VIEW nas AS
SELECT (row_number() OVER (ORDER BY n.created_at, n.id))::integer AS id,
       CASE WHEN masklen(n.network) IN (32, 128) THEN host(n.network) ELSE text(n.network) END AS nasname,
       n.name AS shortname, n.vendor AS type, n.coa_port AS ports,
       dotmac_open_secret(n.secret_encrypted) AS secret,
       NULL::text AS server, NULL::text AS community, n.name AS description
  FROM nas_clients n;--> statement-breakpoint
-- Simple enough to be updatable, so FreeRADIUS's INSERT ... ON CONFLICT (AcctUniqueId) and its
-- UPDATEs land in accounting_sessions; the trigger below fills what FreeRADIUS does not send.
CREATE VIEW radacct AS
SELECT id AS radacctid, acct_session_id AS acctsessionid, acct_unique_id AS acctuniqueid, username, realm,
       nas_ip AS nasipaddress, nas_port AS nasportid, nas_port_type AS nasporttype,
       started_at AS acctstarttime, updated_at AS acctupdatetime, stopped_at AS acctstoptime,
       acct_interval AS acctinterval, session_seconds AS acctsessiontime, acct_authentic AS acctauthentic,
       connect_info_start AS connectinfo_start, connect_info_stop AS connectinfo_stop,
       input_octets AS acctinputoctets, output_octets AS acctoutputoctets,
       called_station_id AS calledstationid, calling_station_id AS callingstationid,
       terminate_cause AS acctterminatecause, service_type AS servicetype, framed_protocol AS framedprotocol,
       framed_ip AS framedipaddress, framed_ipv6_address AS framedipv6address,
       framed_ipv6_prefix AS framedipv6prefix, framed_interface_id AS framedinterfaceid,
       delegated_ipv6_prefix AS delegatedipv6prefix
  FROM accounting_sessions;--> statement-breakpoint
CREATE FUNCTION accounting_sessions_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Rows from our server name their NAS and subscriber; rows written through radacct do not.
  IF NEW.nas_id IS NULL THEN
    SELECT id INTO NEW.nas_id FROM nas_clients WHERE network >>= NEW.nas_ip ORDER BY masklen(network) DESC LIMIT 1;
    IF NEW.nas_id IS NULL THEN
      RAISE EXCEPTION 'no NAS client covers %', NEW.nas_ip;
    END IF;
    SELECT subscriber_id INTO NEW.subscriber_id FROM radius_credentials WHERE username = NEW.username;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.session_seconds := coalesce(NEW.session_seconds, OLD.session_seconds);
  END IF;
  NEW.session_seconds := coalesce(NEW.session_seconds, 0);
  NEW.input_octets := coalesce(NEW.input_octets, 0);
  NEW.output_octets := coalesce(NEW.output_octets, 0);
  NEW.updated_at := coalesce(NEW.updated_at, NEW.started_at);
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER accounting_sessions_fill BEFORE INSERT OR UPDATE ON accounting_sessions
FOR EACH ROW EXECUTE FUNCTION accounting_sessions_fill();
