import { installEdge } from "@dotmac/http/edge";
import { mountReference } from "@dotmac/http/reference";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import { SignInLimiter, signInLimits } from "@dotmac/http/sign-in-limiter";
import { OpenAPIHono } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { ISP_OPS_API_BASE } from "./api-base.ts";
import { staffCookie, staffForToken } from "./auth.ts";
import type { IspOpsDeps } from "./deps.ts";
import { licenceStanding, refuseWhileExpired } from "./licence.ts";
import { customerCookie, customerForToken } from "./portal/customers.ts";
import { auditRouter } from "./routes/audit.ts";
import { authRouter } from "./routes/auth.ts";
import { STRIPE_WEBHOOK_PATH } from "./routes/billing.routes.ts";
import { billingRouter } from "./routes/billing.ts";
import type { IspOpsEnv } from "./routes/context.ts";
import { devicesRouter } from "./routes/devices.ts";
import { helpdeskRouter } from "./routes/helpdesk.ts";
import { networkRouter } from "./routes/network.ts";
import { plansRouter } from "./routes/plans.ts";
import { portalRouter } from "./routes/portal.ts";
import { portalAccountRouter } from "./routes/portal-account.ts";
import { staffRouter } from "./routes/staff.ts";
import { IMPORT_MAX_BYTES } from "./routes/subscribers.routes.ts";
import { subscribersRouter } from "./routes/subscribers.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** The API's routes, chained so their types make a typed client. */
function apiRoutes(cookies: { staff: SessionCookie; customer: SessionCookie }, signIns: SignInLimiter) {
  return new OpenAPIHono<IspOpsEnv>()
    .route("/", authRouter(cookies.staff, signIns))
    .route("/", subscribersRouter())
    .route("/", plansRouter())
    .route("/", networkRouter())
    .route("/", devicesRouter())
    .route("/", staffRouter())
    .route("/", billingRouter())
    .route("/", auditRouter())
    .route("/", helpdeskRouter())
    .route(
      "/",
      portalRouter(cookies.customer, new SignInLimiter(signInLimits), new SignInLimiter(signInLimits)),
    )
    .route("/", portalAccountRouter(cookies.customer, new SignInLimiter(signInLimits)));
}
export type IspOpsRoutes = ReturnType<typeof apiRoutes>;

/** A staff member changing something: not reading, signing in or out, nor the portal or Stripe. */
const staffChange = (method: string, path: string) =>
  !["GET", "HEAD", "OPTIONS"].includes(method) &&
  !path.startsWith(`${ISP_OPS_API_BASE}/portal/`) &&
  !path.startsWith(`${ISP_OPS_API_BASE}/auth/`) &&
  path !== `${ISP_OPS_API_BASE}${STRIPE_WEBHOOK_PATH}`;

/**
 * The isp-ops API (mounted by Next.js under /api/v1): staff sessions by HttpOnly cookie, every
 * route's permission declared on the route, errors as problem+json naming the fields, the
 * OpenAPI document at /api/v1/openapi.json and its reference page at /api/v1/reference.
 */
export function createIspOpsApi(
  deps: IspOpsDeps | (() => Promise<IspOpsDeps>),
  cookie: SessionCookie = staffCookie(),
  portalCookie: SessionCookie = customerCookie(),
) {
  const resolve = typeof deps === "function" ? deps : async () => deps;
  const app = new OpenAPIHono<IspOpsEnv>();
  installEdge(app, {
    basePath: ISP_OPS_API_BASE,
    maxBodyBytes: (path) =>
      path === `${ISP_OPS_API_BASE}/subscribers/import` ? IMPORT_MAX_BYTES : MAX_BODY_BYTES,
    // Stripe's deliveries carry no cookie: their signature is what authenticates them.
    notAmbient: (c) => c.req.path === `${ISP_OPS_API_BASE}${STRIPE_WEBHOOK_PATH}`,
    logError: (error, where) => console.error({ err: error.message, ...where }, "unhandled error"),
  });
  // Who is calling, from the session cookie; the routes' guards decide what they may do.
  app.use(`${ISP_OPS_API_BASE}/*`, async (c, next) => {
    const resolved = await resolve();
    c.set("deps", resolved);
    // Each app's session by its own cookie: a staff session never opens the portal, nor a subscriber's the staff routes.
    c.set("staff", await staffForToken(resolved.db, getCookie(c, cookie.name)));
    c.set("customer", await customerForToken(resolved.db, getCookie(c, portalCookie.name)));
    if (c.get("staff") && staffChange(c.req.method, c.req.path)) {
      refuseWhileExpired(licenceStanding(resolved.entitlements));
    }
    await next();
  });
  app.route(
    ISP_OPS_API_BASE,
    apiRoutes({ staff: cookie, customer: portalCookie }, new SignInLimiter(signInLimits)),
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: cookie.name,
  });
  app.doc31(`${ISP_OPS_API_BASE}/openapi.json`, {
    openapi: "3.1.0",
    info: {
      title: "DotMac isp-ops API",
      version: "1.0.0",
      description:
        "An ISP's own operations: subscribers, plans, RADIUS clients and sessions, devices, staff, billing, the helpdesk.",
    },
    security: [{ session: [] }],
  });
  mountReference(
    app,
    `${ISP_OPS_API_BASE}/reference`,
    `${ISP_OPS_API_BASE}/openapi.json`,
    "DotMac isp-ops API",
  );
  return app;
}
