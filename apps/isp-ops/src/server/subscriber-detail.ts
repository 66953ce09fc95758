import type { SubscriberStatus } from "@dotmac/contracts";
import type { TenantDb } from "@dotmac/tenant-db";

interface DetailRow {
  id: string;
  accountNumber: string;
  name: string;
  email: string | null;
  phone: string | null;
  serviceAddress: string;
  status: SubscriberStatus;
  staticIp: string | null;
  planId: string | null;
  planName: string | null;
  downloadKbps: number;
  uploadKbps: number;
  dataCapBytes: string | null;
  username: string | null;
  createdAt: Date;
}
interface SessionRow {
  id: string;
  sessionId: string;
  nas: string;
  framedIp: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
  seconds: number;
  inputOctets: string;
  outputOctets: string;
  terminateCause: string | null;
}

/** Everything a subscriber page shows: plan, login name, sessions, usage, devices, history. */
export async function subscriberDetail(db: TenantDb, id: string) {
  const pg = db.$client;
  const [subscriber] = await pg<DetailRow[]>`
    select s.id, s.account_number as "accountNumber", s.name, s.email, s.phone,
           s.service_address as "serviceAddress", s.status, host(s.static_ip) as "staticIp",
           s.plan_id as "planId", p.name as "planName", p.download_kbps as "downloadKbps",
           p.upload_kbps as "uploadKbps", p.data_cap_bytes as "dataCapBytes", c.username,
           s.created_at as "createdAt"
      from subscribers s
      left join service_plans p on p.id = s.plan_id
      left join radius_credentials c on c.subscriber_id = s.id
     where s.id = ${id}`;
  if (!subscriber) return undefined;
  const [sessions, usage, devices, history] = await Promise.all([
    pg<
      SessionRow[]
    >`select a.id, a.acct_session_id as "sessionId", n.name as "nas", host(a.framed_ip) as "framedIp",
              a.started_at as "startedAt", a.stopped_at as "stoppedAt", a.session_seconds as "seconds",
              a.input_octets as "inputOctets", a.output_octets as "outputOctets",
              a.terminate_cause as "terminateCause"
         from accounting_sessions a join nas_clients n on n.id = a.nas_id
        where a.subscriber_id = ${id}
        order by a.started_at desc limit 20`,
    pg<
      { day: string; inputOctets: number; outputOctets: number }[]
    >`select to_char(date_trunc('day', a.started_at), 'YYYY-MM-DD') as day,
              sum(a.input_octets)::float8 as "inputOctets", sum(a.output_octets)::float8 as "outputOctets"
         from accounting_sessions a
        where a.subscriber_id = ${id} and a.started_at >= now() - interval '30 days'
        group by 1 order by 1`,
    pg<
      { id: string; serial: string; model: string; mac: string | null; genieacsId: string | null }[]
    >`select id, serial, model, mac::text as mac, genieacs_id as "genieacsId"
         from devices where subscriber_id = ${id} order by created_at`,
    pg<
      { from: string | null; to: string; reason: string | null; actor: string; at: Date }[]
    >`select from_status as "from", to_status as "to", reason, actor, at
         from subscriber_status_history where subscriber_id = ${id} order by at desc, id desc limit 50`,
  ]);
  return {
    ...subscriber,
    accountNumber: Number(subscriber.accountNumber),
    dataCapBytes: subscriber.dataCapBytes === null ? null : Number(subscriber.dataCapBytes),
    sessions: sessions.map((s) => ({
      ...s,
      inputOctets: Number(s.inputOctets),
      outputOctets: Number(s.outputOctets),
    })),
    usage: [...usage],
    devices: [...devices],
    history: [...history],
  };
}
