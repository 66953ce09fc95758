import { installEdge } from "@dotmac/http/edge";
import { mountReference } from "@dotmac/http/reference";
import { API_BASE } from "@dotmac/platform-api/client";
import { OpenAPIHono } from "@hono/zod-openapi";
import { routePath } from "hono/route";
import { type AppEnv, authenticate } from "./auth/principal.ts";
import type { Deps } from "./lib/deps.ts";
import type { Metrics } from "./lib/metrics.ts";
import { auditRouter } from "./routes/audit-log.ts";
import { authRouter } from "./routes/auth.ts";
import { entitlementsRouter } from "./routes/entitlements.ts";
import { flagsRouter } from "./routes/flags.ts";
import { fleetRouter } from "./routes/fleet.ts";
import { healthRouter } from "./routes/health.ts";
import { licencesRouter } from "./routes/licences.ts";
import { nasNetworksRouter } from "./routes/nas-networks.ts";
import { operationsRouter } from "./routes/operations.ts";
import { tenantsRouter } from "./routes/tenants.ts";
import { tokensRouter } from "./routes/tokens.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** The API's routes under /api/platform/v1: the handlers of `@dotmac/platform-api`'s routes. */
function apiRoutes(deps: Deps) {
  return new OpenAPIHono<AppEnv>()
    .route("/", authRouter(deps))
    .route("/", tenantsRouter(deps))
    .route("/", nasNetworksRouter(deps))
    .route("/", entitlementsRouter(deps))
    .route("/", operationsRouter(deps))
    .route("/", fleetRouter(deps))
    .route("/", flagsRouter(deps))
    .route("/", licencesRouter(deps))
    .route("/", auditRouter(deps))
    .route("/", tokensRouter(deps));
}

export function createApp(deps: Deps & { httpMetrics?: Metrics["httpDuration"] }) {
  const app = new OpenAPIHono<AppEnv>();
  // First, so that what the edge refuses is counted too.
  if (deps.httpMetrics) {
    const histogram = deps.httpMetrics;
    app.use(async (c, next) => {
      const end = histogram.startTimer();
      await next();
      end({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
    });
  }
  installEdge(app, {
    basePath: API_BASE,
    maxBodyBytes: MAX_BODY_BYTES,
    // A browser's change rides on its cookie; a token is not ambient, so it needs no origin check.
    notAmbient: (c) => c.req.header("authorization") !== undefined,
    // The message stays in the log (without a stack's arguments); the caller gets the request id.
    logError: (error, where) => deps.log.error({ err: error.message, ...where }, "unhandled error"),
    problemHeaders: { 401: { "www-authenticate": 'Bearer realm="dotmac"' } },
  });
  app.use(`${API_BASE}/*`, authenticate(deps.db, deps.sessionCookie));

  const api = apiRoutes(deps);
  app.route("/", healthRouter(deps));
  app.route(API_BASE, api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "an API token (dmp_…) made with POST /tokens",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: deps.sessionCookie.name,
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "DotMac automation API",
      version: "1.0.0",
      description:
        "Create and change ISP tenants (Pulumi stacks), follow their operations, manage flags, licences, tokens and the audit log.",
    },
    security: [{ bearer: [] }, { session: [] }],
  });
  mountReference(app, "/reference", "/openapi.json", "DotMac automation API");
  return app;
}
