import { RADIUS_CONTROL_PURPOSE, SessionDisconnectRequest } from "@dotmac/contracts";
import { DisconnectResult } from "@dotmac/contracts/isp-ops-responses";
import { installEdge, type RequestIdEnv } from "@dotmac/http/edge";
import { ProblemError } from "@dotmac/http/problem";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import type { SecretBox } from "@dotmac/tenant-db";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { sameBytes } from "./compare.ts";
import { disconnect } from "./disconnect.ts";
import type { NasRegistry } from "./nas.ts";

/** A disconnect request is a few hundred bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 4096;

const disconnectRoute = (guard: MiddlewareHandler) =>
  route({
    method: "post",
    path: "/control/disconnect",
    summary: "Send an RFC 5176 Disconnect-Request for one open session to the NAS it runs on",
    middleware: [guard],
    request: { body: jsonBody(SessionDisconnectRequest) },
    responses: { 200: json(DisconnectResult, "what the NAS answered"), ...problems(400, 404, 413, 415) },
  });

/**
 * The control endpoint isp-ops calls on a suspension or a staff disconnect (a bearer token derived
 * from the tenant key): this server, the only one allowed to reach the NAS networks, sends the
 * Disconnect-Request. No cookies reach it, so there is no origin to check.
 */
export function controlApp(box: SecretBox, registry: NasRegistry, log: Logger) {
  const token = Buffer.from(box.derive(RADIUS_CONTROL_PURPOSE));
  const bearer: MiddlewareHandler = async (c, next) => {
    const presented = Buffer.from((c.req.header("authorization") ?? "").replace(/^Bearer /, ""));
    if (!sameBytes(presented, token)) throw new ProblemError(401, { detail: "bad control token" });
    await next();
  };
  const app = new OpenAPIHono<RequestIdEnv>();
  installEdge(app, {
    basePath: "/control",
    maxBodyBytes: MAX_BODY_BYTES,
    notAmbient: () => true,
    logError: (error, where) => log.error({ err: error.message, ...where }, "control request failed"),
  });
  return app.openapi(disconnectRoute(bearer), async (c) => {
    const session = c.req.valid("json");
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
    const result = await disconnect(
      { host: session.nasIp, port: nas.coaPort, secret: nas.secret },
      {
        username: session.username,
        acctSessionId: session.acctSessionId,
        framedIp: session.framedIp ?? undefined,
      },
    );
    log.info({ nas: nas.name, user: session.username, outcome: result.outcome }, "disconnect requested");
    return c.json(result, 200);
  });
}
