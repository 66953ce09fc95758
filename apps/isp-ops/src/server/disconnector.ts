import { RADIUS_CONTROL_PURPOSE, type SessionDisconnectRequest } from "@dotmac/contracts";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import type { SessionDisconnector } from "./lifecycle.ts";

/**
 * Asks the tenant's RADIUS server (RADIUS_CONTROL_URL, its control port) to act on a session at
 * its NAS: only RADIUS pods may reach the NAS networks, and they hold the NAS secrets opened already.
 */
function radiusControl(controlUrl: string, box: SecretBox, path: string): SessionDisconnector {
  const token = box.derive(RADIUS_CONTROL_PURPOSE);
  return async (session) => {
    const body: SessionDisconnectRequest = {
      nasId: session.nasId,
      nasIp: session.nasIp,
      username: session.username,
      acctSessionId: session.acctSessionId,
      framedIp: session.framedIp,
    };
    const res = await fetch(new URL(path, controlUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      outcome?: string;
      via?: "coa" | "disconnect";
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
      ...(answer.via ? { via: answer.via } : {}),
      ...(answer.errorCause ? { errorCause: answer.errorCause } : {}),
    };
  };
}

/** Ends a session (RFC 5176 Disconnect-Request). */
export const radiusDisconnector = (controlUrl: string, box: SecretBox) =>
  radiusControl(controlUrl, box, "/control/disconnect");

/**
 * Brings a session in line with its subscriber's standing now (into or out of the walled garden):
 * a CoA-Request, or a Disconnect-Request where the NAS cannot change the session.
 */
export const radiusReauthorizer = (controlUrl: string, box: SecretBox) =>
  radiusControl(controlUrl, box, "/control/reauthorize");
