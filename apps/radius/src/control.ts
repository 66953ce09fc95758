import { RADIUS_CONTROL_PURPOSE, SessionDisconnectRequest } from "@dotmac/contracts";
import { DisconnectResult } from "@dotmac/contracts/isp-ops-responses";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import { installEdge, type RequestIdEnv } from "@dotmac/http/edge";
import { ProblemError } from "@dotmac/http/problem";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import type { TenantDb } from "@dotmac/tenant-db";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { acceptFor, standingOf } from "./authenticate.ts";
import { dynamicAuthorization } from "./disconnect.ts";
import type { NasRegistry } from "./nas.ts";
import type { ReplyAttribute } from "./reply.ts";

/** A disconnect request is a few hundred bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 4096;

const sessionRoute = (guard: MiddlewareHandler, path: string, summary: string) =>
  route({
    method: "post",
    path,
    summary,
    middleware: [guard],
    request: { body: jsonBody(SessionDisconnectRequest) },
    responses: { 200: json(DisconnectResult, "what the NAS answered"), ...problems(400, 404, 413, 415) },
  });

/**
 * The control endpoint isp-ops calls on a suspension, a staff disconnect or a move into or out of
 * the walled garden (a bearer token derived from the tenant key): this server, the only one
 * allowed to reach the NAS networks and holding their secrets, sends the RFC 5176 request. No cookies reach it, so there is no origin to check.
 */
export function controlApp(db: TenantDb, box: SecretBox, registry: NasRegistry, log: Logger) {
  const bearer: MiddlewareHandler = async (c, next) => {
    const presented = (c.req.header("authorization") ?? "").replace(/^Bearer /, "");
    // Any key of the ring: an isp-ops pod not yet rolled to a rotated key still gets through.
    if (!box.isDerived(RADIUS_CONTROL_PURPOSE, presented))
      throw new ProblemError(401, { detail: "bad control token" });
    await next();
  };
  /** The session's NAS, checked to hold the address the request aims at. */
  const nasOf = async (session: SessionDisconnectRequest) => {
    // A NAS added a moment ago may be ahead of its notification.
    const nas =
      registry.byId(session.nasId) ?? (await registry.reload().then(() => registry.byId(session.nasId)));
    if (!nas) throw new ProblemError(404, { detail: "unknown NAS" });
    // This server reaches every NAS network; a request must not aim it at any other address.
    if (!nas.contains(session.nasIp)) {
      throw new ProblemError(400, {
        detail: `nasIp ${session.nasIp} is outside the network of NAS ${nas.name}`,
        errors: [{ path: "nasIp", message: `outside the network of NAS ${nas.name}` }],
      });
    }
    return nas;
  };
  const send = async (
    via: "coa" | "disconnect",
    session: SessionDisconnectRequest,
    attributes: ReplyAttribute[] = [],
  ) => {
    const nas = await nasOf(session);
    const result = await dynamicAuthorization(
      via,
      { host: session.nasIp, port: nas.coaPort, secret: nas.secret },
      {
        username: session.username,
        acctSessionId: session.acctSessionId,
        framedIp: session.framedIp ?? undefined,
      },
      { attributes },
    );
    log.info({ nas: nas.name, user: session.username, via, outcome: result.outcome }, "RFC 5176 request");
    return result;
  };
  const app = new OpenAPIHono<RequestIdEnv>();
  installEdge(app, {
    basePath: "/control",
    maxBodyBytes: MAX_BODY_BYTES,
    notAmbient: () => true,
    logError: (error, where) => log.error({ err: error.message, ...where }, "control request failed"),
  });
  return app
    .openapi(
      sessionRoute(
        bearer,
        "/control/disconnect",
        "Send an RFC 5176 Disconnect-Request for one open session to the NAS it runs on",
      ),
      async (c) => c.json(await send("disconnect", c.req.valid("json")), 200),
    )
    .openapi(
      sessionRoute(
        bearer,
        "/control/reauthorize",
        "Bring one open session in line with its subscriber's standing now: a CoA-Request with what a login would get, a Disconnect-Request when the login would be refused or the NAS cannot change the session",
      ),
      async (c) => {
        const session = c.req.valid("json");
        const standing = await standingOf(db, session.username);
        if (!standing || standing.refusal) return c.json(await send("disconnect", session), 200);
        // The session's own address identifies it; a static address is not changed live.
        const attributes = acceptFor(standing).filter(([name]) => name !== "Framed-IP-Address");
        const changed = await send("coa", session, attributes);
        // A NAS that NAKs the change ends the session instead: the new login gets the new standing.
        if (changed.outcome !== "nak") return c.json(changed, 200);
        return c.json(await send("disconnect", session), 200);
      },
    );
}
