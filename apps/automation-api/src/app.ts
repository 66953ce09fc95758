import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { crossOriginRefusal, ValidationError } from "@dotmac/contracts";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { routePath } from "hono/route";
import { authenticate } from "./auth/principal.ts";
import type { Deps } from "./lib/deps.ts";
import type { Metrics } from "./lib/metrics.ts";
import { ProblemError, problem } from "./lib/problem.ts";
import type { AppEnv } from "./lib/router.ts";
import { auditRouter } from "./routes/audit-log.ts";
import { authRouter } from "./routes/auth.ts";
import { flagsRouter } from "./routes/flags.ts";
import { fleetRouter } from "./routes/fleet.ts";
import { healthRouter } from "./routes/health.ts";
import { licencesRouter } from "./routes/licences.ts";
import { nasNetworksRouter } from "./routes/nas-networks.ts";
import { operationsRouter } from "./routes/operations.ts";
import { tenantsRouter } from "./routes/tenants.ts";
import { tokensRouter } from "./routes/tokens.ts";

export const API_BASE = "/api/platform/v1";
const MAX_BODY_BYTES = 1024 * 1024;

/** The API's routes under /api/platform/v1, chained so their types make the typed client. */
function apiRoutes(deps: Deps) {
  return new OpenAPIHono<AppEnv>()
    .route("/", authRouter(deps))
    .route("/", tenantsRouter(deps))
    .route("/", nasNetworksRouter(deps))
    .route("/", operationsRouter(deps))
    .route("/", fleetRouter(deps))
    .route("/", flagsRouter(deps))
    .route("/", licencesRouter(deps))
    .route("/", auditRouter(deps))
    .route("/", tokensRouter(deps));
}
export type ApiRoutes = ReturnType<typeof apiRoutes>;

const swaggerDir = (() => {
  const require = createRequire(import.meta.url);
  return join(require.resolve("swagger-ui-dist/package.json"), "..");
})();

const referencePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DotMac automation API</title>
<link rel="stylesheet" href="/reference/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/reference/swagger-ui-bundle.js"></script>
<script src="/reference/init.js"></script></body></html>`;

export function createApp(deps: Deps & { httpMetrics?: Metrics["httpDuration"] }) {
  const app = new OpenAPIHono<AppEnv>();
  // Ours, never the caller's: an audit entry's request id must not be chosen by whoever made it.
  app.use(requestId({ headerName: "" }));
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("x-request-id", c.get("requestId"));
  });
  if (deps.httpMetrics) {
    const histogram = deps.httpMetrics;
    app.use(async (c, next) => {
      const end = histogram.startTimer();
      await next();
      end({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
    });
  }
  app.use(
    `${API_BASE}/*`,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problem(c, 413, { detail: `the body is larger than ${MAX_BODY_BYTES} bytes` }),
    }),
  );
  // A browser's change rides on its cookie: it must come from our own pages. Tokens are not ambient.
  app.use(`${API_BASE}/*`, async (c, next) => {
    if (!c.req.header("authorization")) {
      const refusal = crossOriginRefusal(c.req.method, c.req.raw.headers, [
        c.req.header("host"),
        c.req.header("x-forwarded-host"),
      ]);
      if (refusal) throw new ProblemError(403, { detail: refusal });
    }
    await next();
  });
  app.use(`${API_BASE}/*`, authenticate(deps.db, deps.sessionCookie));

  app.onError((error, c) => {
    if (error instanceof ProblemError) {
      const res = problem(c, error.status, error.init);
      if (error.status === 401) res.headers.set("www-authenticate", 'Bearer realm="dotmac"');
      return res;
    }
    if (error instanceof ValidationError)
      return problem(c, 400, { detail: error.message.split("\n")[0], errors: error.errors });
    if (error instanceof HTTPException && error.status < 500) {
      return problem(c, error.status as 400, { detail: error.message || "the request could not be read" });
    }
    // The message stays in the log (without a stack's arguments); the caller gets the request id.
    deps.log.error(
      { err: error.message, requestId: c.get("requestId"), path: c.req.path },
      "unhandled error",
    );
    return problem(c, 500, {
      detail: "something went wrong on our side; quote the instance when you report it",
    });
  });
  app.notFound((c) => problem(c, 404, { detail: `no route ${c.req.method} ${c.req.path}` }));

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
  app.get("/reference", (c) => c.html(referencePage));
  app.get("/reference/init.js", (c) =>
    c.body('SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" });', 200, {
      "content-type": "text/javascript",
    }),
  );
  for (const [file, type] of [
    ["swagger-ui.css", "text/css"],
    ["swagger-ui-bundle.js", "text/javascript"],
  ] as const) {
    const body = readFileSync(join(swaggerDir, file));
    app.get(`/reference/${file}`, (c) =>
      c.body(body, 200, { "content-type": type, "cache-control": "public, max-age=86400" }),
    );
  }
  return app;
}
