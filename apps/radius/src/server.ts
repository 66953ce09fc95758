import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Server } from "node:http";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import type { TenantDb } from "@dotmac/tenant-db";
import { createAdaptorServer } from "@hono/node-server";
import type { Logger } from "pino";
import { account } from "./accounting.ts";
import { authenticate } from "./authenticate.ts";
import { controlApp } from "./control.ts";
import { DuplicateCache } from "./dedupe.ts";
import { healthApp } from "./health.ts";
import { createRadiusMetrics, type RadiusMetrics } from "./metrics.ts";
import { msChapAccept, msChapReject, msChapV2Request } from "./mschap.ts";
import type { NasRegistry } from "./nas.ts";
import {
  type DecodedPacket,
  decodeRequest,
  hasAttribute,
  hasMessageAuthenticator,
  InvalidSecretError,
  PROXY_STATE,
  respond,
} from "./packets.ts";

export interface RadiusServerOptions {
  readonly db: TenantDb;
  readonly box: SecretBox;
  readonly nas: NasRegistry;
  readonly log: Logger;
  readonly host: string;
  readonly authPort: number;
  readonly acctPort: number;
  readonly metricsPort: number;
  /**
   * Disconnect requests from isp-ops: a port of their own, so the NetworkPolicy can open it to
   * isp-ops alone while Prometheus scrapes the metrics port.
   */
  readonly controlPort: number;
  /** Requests being worked on at once; past it a packet is dropped (counted as `overload`), not queued. */
  readonly maxInFlight?: number;
  /**
   * Say why in an Access-Reject's Reply-Message ("account suspended", "unknown user"). Off by
   * default: one generic message tells an attacker nothing about which usernames exist; the
   * reasons stay in the log and in staff views.
   */
  readonly replyReasons?: boolean;
}

/** What every Access-Reject says unless the server is told to give its reasons. */
export const GENERIC_REJECT = "authentication failed";

export interface RunningRadius {
  readonly authPort: number;
  readonly acctPort: number;
  readonly metricsPort: number;
  readonly controlPort: number;
  readonly metrics: RadiusMetrics;
  stop(): Promise<void>;
}

const MIN_PACKET = 20;
const MAX_PACKET = 4096;

type Kind = "auth" | "acct";
const expected: Record<Kind, string> = { auth: "Access-Request", acct: "Accounting-Request" };

function bind(socket: Socket, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve(socket.address().port);
    });
  });
}

/**
 * A tenant's RADIUS server: authentication on one UDP port, accounting on another, metrics over
 * HTTP. Anything it cannot trust (unknown source, bad authenticator, malformed, missing
 * Message-Authenticator where required) is dropped without an answer and counted.
 */
export async function startRadius(opts: RadiusServerOptions): Promise<RunningRadius> {
  const metrics = createRadiusMetrics(() => opts.nas.unreadable.length);
  const cache = new DuplicateCache();
  const drop = (reason: string) => metrics.drops.inc({ reason });
  const maxInFlight = opts.maxInFlight ?? 512;
  let inFlight = 0;

  const handle = async (kind: Kind, socket: Socket, packet: Buffer, peer: RemoteInfo) => {
    const started = performance.now();
    if (packet.length < MIN_PACKET || packet.length > MAX_PACKET) return drop("malformed");
    const declared = packet.readUInt16BE(2);
    if (declared < MIN_PACKET || declared > packet.length) return drop("malformed");
    const nas = opts.nas.find(peer.address);
    if (!nas) return drop("unknown_source");
    if (kind === "auth" && !hasMessageAuthenticator(packet)) {
      if (nas.requireMessageAuthenticator) return drop("missing_message_authenticator");
      // Blast-RADIUS forges an answer through a Proxy-State it chose; unsigned, it is never answered.
      if (hasAttribute(packet, PROXY_STATE)) return drop("proxy_state_without_message_authenticator");
    }
    let request: DecodedPacket;
    try {
      request = decodeRequest(packet, nas.secret);
    } catch (error) {
      return drop(error instanceof InvalidSecretError ? "bad_authenticator" : "malformed");
    }
    if (request.code !== expected[kind]) return drop("unexpected_code");
    const key = `${peer.address}:${peer.port}:${request.identifier}:${request.authenticator.toString("hex")}`;
    const { duplicate, response } = cache.answer(key, async () => {
      if (kind === "auth") {
        const result = await authenticate(opts.db, opts.box, request);
        metrics.requests.inc({ type: "auth", result: result.accept ? "accept" : "reject" });
        if (!result.accept) {
          opts.log.info(
            { nas: nas.name, user: request.attributes["User-Name"], reason: result.reason },
            "access rejected",
          );
          const msChapV2 = msChapV2Request(request.attributes);
          const said = opts.replyReasons ? result.reason : GENERIC_REJECT;
          return respond(request, "Access-Reject", nas.secret, [
            ["Reply-Message", said],
            ...(msChapV2 ? msChapReject(msChapV2, said) : []),
          ]);
        }
        return respond(request, "Access-Accept", nas.secret, [
          ...result.attributes,
          ...(result.msChap ? msChapAccept(result.msChap, nas.secret, request.authenticator) : []),
        ]);
      }
      await account(opts.db, nas, peer.address.replace(/^::ffff:/, ""), request);
      metrics.requests.inc({
        type: "acct",
        result: String(request.attributes["Acct-Status-Type"] ?? "unknown"),
      });
      return respond(request, "Accounting-Response", nas.secret, []);
    });
    if (duplicate) metrics.duplicates.inc();
    metrics.cacheSize.set(cache.size);
    const out = await response;
    // A send can fail (a firewall dropping the reply answers EPERM): counted, never fatal.
    if (out) {
      socket.send(out, peer.port, peer.address, (error) => {
        if (!error) return;
        drop("send_failed");
        opts.log.warn({ err: error.message, kind, peer: peer.address }, "reply not sent");
      });
    }
    metrics.latency.observe({ type: kind }, (performance.now() - started) / 1000);
  };

  // The NAS clients are known before the first packet can arrive.
  const failedReload = (error: unknown) =>
    opts.log.error({ err: (error as Error).message }, "NAS clients reload failed");
  const unwatch = await opts.nas.watch(failedReload);
  const sockets = {} as Record<Kind, Socket>;
  const ports = {} as Record<Kind, number>;
  for (const kind of ["auth", "acct"] as const) {
    const socket = createSocket({ type: opts.host.includes(":") ? "udp6" : "udp4" });
    socket.on("message", (packet, peer) => {
      // Shed load rather than queue it: a NAS retries or fails over, and memory stays bounded.
      if (inFlight >= maxInFlight) return drop("overload");
      inFlight += 1;
      handle(kind, socket, packet, peer)
        .catch((error: unknown) => {
          // A database outage or a bug: no answer, so the NAS retries or fails over.
          drop("error");
          opts.log.error({ err: (error as Error).message, kind }, "request failed");
        })
        .finally(() => {
          inFlight -= 1;
        });
    });
    sockets[kind] = socket;
    ports[kind] = await bind(socket, opts.host, kind === "auth" ? opts.authPort : opts.acctPort);
    // An unheard 'error' event would end the process, and with it every login.
    socket.on("error", (error) => {
      drop("socket_error");
      opts.log.error({ err: error.message, kind }, "socket error");
    });
  }

  const serve = (app: { fetch: (request: Request) => Response | Promise<Response> }) =>
    createAdaptorServer({ fetch: app.fetch }) as Server;
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => {
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  const http = serve(healthApp(opts.db, opts.nas, metrics.registry));
  const controlHttp = serve(controlApp(opts.db, opts.box, opts.nas, opts.log));
  const metricsPort = await listen(http, opts.metricsPort);
  const controlPort = await listen(controlHttp, opts.controlPort);
  // A safety net under the notifications, not the way changes normally arrive.
  const reload = setInterval(() => void opts.nas.reload().catch(failedReload), 60_000);

  return {
    authPort: ports.auth,
    acctPort: ports.acct,
    metricsPort,
    controlPort,
    metrics,
    stop: async () => {
      clearInterval(reload);
      await unwatch();
      for (const socket of Object.values(sockets)) socket.close();
      for (const server of [http, controlHttp])
        await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
