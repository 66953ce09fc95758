import { type SecretBox, sealedFor, type TenantDb } from "@dotmac/tenant-db";
import { chapMatches } from "./chap.ts";
import type { DecodedPacket } from "./packets.ts";
import { acceptAttributes, type ReplyAttribute } from "./reply.ts";

export type AuthResult =
  | { accept: true; attributes: ReplyAttribute[]; subscriberId: string }
  | { accept: false; reason: string };

interface Row {
  subscriber_id: string;
  status: string;
  static_ip: string | null;
  password_encrypted: Buffer;
  plan_id: string | null;
  download_kbps: number;
  upload_kbps: number;
  burst_download_kbps: number | null;
  burst_upload_kbps: number | null;
  burst_threshold_percent: number | null;
  burst_seconds: number | null;
  session_timeout_seconds: number | null;
  interim_interval_seconds: number;
  data_cap_bytes: string | null;
  used_bytes: string | null;
}

const refusals: Record<string, string> = {
  pending: "account not yet active",
  suspended: "account suspended",
  terminated: "account terminated",
};

/**
 * Checks an Access-Request's credentials (PAP or CHAP) and the subscriber's standing in one round
 * trip, and says what to answer. The password is opened only here and never logged.
 */
export async function authenticate(
  db: TenantDb,
  box: SecretBox,
  request: DecodedPacket,
): Promise<AuthResult> {
  const username = request.attributes["User-Name"];
  if (typeof username !== "string" || username.length === 0) return { accept: false, reason: "no user name" };
  const pg = db.$client;
  const [row] = await pg<Row[]>`
    select s.id as subscriber_id, s.status, host(s.static_ip) as static_ip, c.password_encrypted,
           p.id as plan_id, p.download_kbps, p.upload_kbps, p.burst_download_kbps, p.burst_upload_kbps,
           p.burst_threshold_percent, p.burst_seconds, p.session_timeout_seconds, p.interim_interval_seconds,
           p.data_cap_bytes,
           case when p.data_cap_bytes is not null and p.cap_mode = 'hard' then (
             select coalesce(sum(a.input_octets + a.output_octets), 0) from accounting_sessions a
              where a.subscriber_id = s.id
                and a.started_at >= date_trunc(case p.billing_cycle when 'monthly' then 'month'
                                                 when 'quarterly' then 'quarter' else 'year' end, now()))
           end as used_bytes
      from radius_credentials c
      join subscribers s on s.id = c.subscriber_id
      left join service_plans p on p.id = s.plan_id
     where c.username = ${username}`;
  if (!row) return { accept: false, reason: "unknown user" };
  const password = box.open(row.password_encrypted, sealedFor.radiusPassword(row.subscriber_id));
  const pap = request.attributes["User-Password"];
  const chap = request.attributes["CHAP-Password"];
  let ok = false;
  if (typeof pap === "string") ok = pap === password;
  else if (Buffer.isBuffer(chap)) {
    const challenge = request.attributes["CHAP-Challenge"];
    ok = chapMatches(chap, Buffer.isBuffer(challenge) ? challenge : request.authenticator, password);
  } else return { accept: false, reason: "no PAP or CHAP credentials" };
  if (!ok) return { accept: false, reason: "wrong password" };
  const refusal = refusals[row.status];
  if (refusal) return { accept: false, reason: refusal };
  if (!row.plan_id) return { accept: false, reason: "no service plan" };
  if (
    row.data_cap_bytes !== null &&
    row.used_bytes !== null &&
    Number(row.used_bytes) >= Number(row.data_cap_bytes)
  ) {
    return { accept: false, reason: "data cap reached" };
  }
  return {
    accept: true,
    subscriberId: row.subscriber_id,
    attributes: acceptAttributes(
      {
        downloadKbps: row.download_kbps,
        uploadKbps: row.upload_kbps,
        burstDownloadKbps: row.burst_download_kbps,
        burstUploadKbps: row.burst_upload_kbps,
        burstThresholdPercent: row.burst_threshold_percent,
        burstSeconds: row.burst_seconds,
        sessionTimeoutSeconds: row.session_timeout_seconds,
        interimIntervalSeconds: row.interim_interval_seconds,
      },
      row.static_ip,
    ),
  };
}
