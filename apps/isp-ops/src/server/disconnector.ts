import { RADIUS_CONTROL_PURPOSE, type SessionDisconnectRequest } from "@dotmac/contracts";
import type { SecretBox, SessionDisconnector } from "@dotmac/tenant-db";

/**
 * Asks the tenant's RADIUS server (RADIUS_CONTROL_URL, its control port) to disconnect a session:
 * only RADIUS pods may reach the NAS networks, and they hold the NAS secrets opened already.
 */
export function radiusDisconnector(controlUrl: string, box: SecretBox): SessionDisconnector {
  const token = box.derive(RADIUS_CONTROL_PURPOSE);
  return async (session) => {
    const body: SessionDisconnectRequest = {
      nasId: session.nasId,
      nasIp: session.nasIp,
      username: session.username,
      acctSessionId: session.acctSessionId,
      framedIp: session.framedIp,
    };
    const res = await fetch(new URL("/control/disconnect", controlUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      outcome?: string;
      errorCause?: string;
      /** A refusal is problem+json. */
      detail?: string;
    };
    if (!res.ok)
      return {
        outcome: "error",
        errorCause: `RADIUS control answered ${res.status}: ${answer.detail ?? "no detail"}`,
      };
    return {
      outcome: answer.outcome ?? "error",
      ...(answer.errorCause ? { errorCause: answer.errorCause } : {}),
    };
  };
}
