import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { decodeResponse, request, verifyResponse } from "./packets.ts";
import type { ReplyAttribute } from "./reply.ts";

export interface DisconnectTarget {
  /** The NAS's address and its CoA/Disconnect port (RFC 5176 default 3799). */
  readonly host: string;
  readonly port: number;
  readonly secret: string;
}

/** Which session to end: by user, and where known its session id and address. */
export interface SessionSelector {
  readonly username: string;
  readonly acctSessionId?: string | undefined;
  readonly framedIp?: string | undefined;
}

export interface DisconnectResult {
  readonly outcome: "ack" | "nak" | "timeout";
  /** What was sent: a CoA-Request, or a Disconnect-Request. */
  readonly via: "coa" | "disconnect";
  readonly attempts: number;
  /** RFC 5176 Error-Cause on a NAK, e.g. "Session-Context-Not-Found". */
  readonly errorCause?: string;
  readonly elapsedMs: number;
}

/**
 * Sends an RFC 5176 Disconnect-Request (end the session) or CoA-Request (change it: `attributes`
 * are its new authorization) and waits for the NAS's ACK or NAK, retransmitting the same packet
 * (same identifier and authenticator, so the NAS can spot the duplicate) on each timeout. Answers
 * that do not verify against the secret are ignored. The caller records the result.
 */
export async function dynamicAuthorization(
  via: "coa" | "disconnect",
  target: DisconnectTarget,
  session: SessionSelector,
  opts: { timeoutMs?: number; retries?: number; attributes?: readonly ReplyAttribute[] } = {},
): Promise<DisconnectResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const attempts = 1 + (opts.retries ?? 2);
  const code = via === "coa" ? "CoA" : "Disconnect";
  const attributes: ReplyAttribute[] = [["User-Name", session.username]];
  if (session.acctSessionId) attributes.push(["Acct-Session-Id", session.acctSessionId]);
  if (session.framedIp) attributes.push(["Framed-IP-Address", session.framedIp]);
  attributes.push(...(opts.attributes ?? []));
  const identifier = randomInt(256);
  const sent = request(`${code}-Request`, identifier, target.secret, attributes);
  const socket = createSocket(target.host.includes(":") ? "udp6" : "udp4");
  const started = performance.now();
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const answer = await new Promise<Buffer | undefined>((resolve) => {
        const timer = setTimeout(() => {
          socket.off("message", onMessage);
          resolve(undefined);
        }, timeoutMs);
        const onMessage = (packet: Buffer) => {
          if (packet.length < 20 || packet[1] !== identifier || !verifyResponse(sent, packet, target.secret))
            return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          resolve(packet);
        };
        socket.on("message", onMessage);
        socket.send(sent, target.port, target.host);
      });
      if (!answer) continue;
      const decoded = decodeResponse(answer, target.secret);
      const elapsedMs = performance.now() - started;
      if (decoded.code === `${code}-ACK`) return { outcome: "ack", via, attempts: attempt, elapsedMs };
      const cause = decoded.attributes["Error-Cause"];
      return {
        outcome: "nak",
        via,
        attempts: attempt,
        elapsedMs,
        ...(cause !== undefined ? { errorCause: String(cause) } : {}),
      };
    }
    return { outcome: "timeout", via, attempts, elapsedMs: performance.now() - started };
  } finally {
    socket.close();
  }
}

/** Ends a session at its NAS. */
export const disconnect = (
  target: DisconnectTarget,
  session: SessionSelector,
  opts: { timeoutMs?: number; retries?: number } = {},
) => dynamicAuthorization("disconnect", target, session, opts);
