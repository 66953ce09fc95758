import type { TenantDb } from "@dotmac/tenant-db";
import type { Nas } from "./nas.ts";
import { type DecodedPacket, octets } from "./packets.ts";

/**
 * Records an Accounting-Request. Idempotent: a retransmission or a late Interim-Update after the
 * Stop never lowers the counters or reopens the session (counters only grow, stop is kept).
 */
export async function account(db: TenantDb, nas: Nas, nasIp: string, request: DecodedPacket): Promise<void> {
  const a = request.attributes;
  const status = a["Acct-Status-Type"];
  // drizzle's driver setup takes timestamps as strings, so they are passed as ISO text.
  const pg = db.$client;
  if (status === "Accounting-On" || status === "Accounting-Off") {
    // The NAS rebooted (or is going down): none of its sessions survive.
    await pg`
      update accounting_sessions set stopped_at = now(), updated_at = now(), terminate_cause = 'NAS-Reboot'
       where nas_id = ${nas.id} and stopped_at is null`;
    return;
  }
  const sessionId = a["Acct-Session-Id"];
  const username = a["User-Name"];
  if (typeof sessionId !== "string" || typeof username !== "string")
    throw new Error("no session id or user name");
  const at = a["Event-Timestamp"] instanceof Date ? (a["Event-Timestamp"] as Date) : new Date();
  const seconds = Number(a["Acct-Session-Time"] ?? 0);
  const input = octets(a, "Input");
  const output = octets(a, "Output");
  const framedIp = typeof a["Framed-IP-Address"] === "string" ? a["Framed-IP-Address"] : null;
  const stopped = status === "Stop" ? at : null;
  const cause = typeof a["Acct-Terminate-Cause"] === "string" ? a["Acct-Terminate-Cause"] : null;
  const port =
    typeof a["NAS-Port-Id"] === "string"
      ? a["NAS-Port-Id"]
      : a["NAS-Port"] !== undefined
        ? String(a["NAS-Port"])
        : null;
  const callingStation = typeof a["Calling-Station-Id"] === "string" ? a["Calling-Station-Id"] : null;
  await pg`
    insert into accounting_sessions as s
      (nas_id, acct_session_id, subscriber_id, username, nas_ip, nas_port, framed_ip, calling_station_id,
       started_at, updated_at, stopped_at, session_seconds, input_octets, output_octets, terminate_cause)
    values (${nas.id}, ${sessionId}, (select subscriber_id from radius_credentials where username = ${username}),
            ${username}, ${nasIp}, ${port}, ${framedIp}, ${callingStation},
            ${new Date(at.getTime() - seconds * 1000).toISOString()}, ${at.toISOString()}, ${stopped?.toISOString() ?? null},
            ${seconds}, ${input}, ${output}, ${cause})
    on conflict (nas_id, acct_session_id) do update set
      updated_at = greatest(s.updated_at, excluded.updated_at),
      session_seconds = greatest(s.session_seconds, excluded.session_seconds),
      input_octets = greatest(s.input_octets, excluded.input_octets),
      output_octets = greatest(s.output_octets, excluded.output_octets),
      framed_ip = coalesce(s.framed_ip, excluded.framed_ip),
      stopped_at = coalesce(s.stopped_at, excluded.stopped_at),
      terminate_cause = coalesce(s.terminate_cause, excluded.terminate_cause)`;
}
