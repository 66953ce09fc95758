import {
  CredentialReset,
  crossOriginRefusal,
  DeviceCreate,
  fieldErrors,
  NasCreate,
  NasUpdate,
  PlanCreate,
  StaffCreate,
  StaffLogin,
  StatusChange,
  SubscriberCreate,
  SubscriberQuery,
  SubscriberUpdate,
} from "@dotmac/contracts";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import { SignInLimiter, signInLimits } from "@dotmac/http/sign-in-limiter";
import { auditLogs, type SecretBox, type SessionDisconnector, type TenantDb } from "@dotmac/tenant-db";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { z } from "zod";
import {
  login,
  logout,
  requirePermission,
  SESSION_HOURS,
  type Staff,
  staffCookie,
  staffForToken,
} from "./auth.ts";
import { createDevice, listDevices } from "./devices.ts";
import { exportSubscribers, importSubscribers } from "./import-export.ts";
import type { NasNetworkReporter } from "./nas-network-reporter.ts";
import { createNas, disconnectSession, listNas, onlineSessions, updateNas } from "./network.ts";
import { createPlan, listPlans } from "./plans.ts";
import { Problem } from "./problem.ts";
import { addStaff, disableStaff, listStaff } from "./staff.ts";
import { dashboardStats } from "./stats.ts";
import {
  createSubscriber,
  listSubscribers,
  resetCredentials,
  setStatus,
  subscriberDetail,
  updateSubscriber,
} from "./subscribers.ts";

export interface IspOpsDeps {
  readonly db: TenantDb;
  readonly box: SecretBox;
  /** Ends a suspended subscriber's sessions at their NAS (RFC 5176); absent, only logins are refused. */
  readonly disconnect?: SessionDisconnector;
  /** Tells the platform the NAS networks (which open RADIUS to them); absent, the platform is not told. */
  readonly nasReporter?: NasNetworkReporter;
}

type Env = { Variables: { staff: Staff } };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function body<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  // A form or text/plain POST needs no CORS preflight: only JSON, which does, is read as JSON.
  if (!req.headers.get("content-type")?.startsWith("application/json")) {
    throw new Problem(415, "Unsupported Media Type", "send JSON, with content-type application/json");
  }
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new Problem(400, "Invalid input", "the body is not JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new Problem(400, "Invalid input", "some fields are wrong", fieldErrors(parsed.error));
  return parsed.data;
}

/**
 * Who is signing in, as the nearest proxy was told (the ingress controller, or Next's own server,
 * appends the peer it saw): the first X-Forwarded-For entry. A client can forge it only to dodge
 * the address limit; the account limit holds regardless.
 */
const clientAddress = (headers: Headers) =>
  headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";

/**
 * The isp-ops API (mounted by Next.js under /api/v1): staff sessions by HttpOnly cookie, every
 * route checks its permission on the server, errors are problem+json naming the fields.
 */
export function createIspOpsApi(
  deps: IspOpsDeps | (() => Promise<IspOpsDeps>),
  cookie: SessionCookie = staffCookie(),
) {
  const resolve = typeof deps === "function" ? deps : async () => deps;
  const signIns = new SignInLimiter(signInLimits);
  const app = new Hono<Env>().basePath("/api/v1");

  app.onError((error, c) => {
    const problem =
      error instanceof Problem
        ? error
        : new Problem(500, "Internal Server Error", "something failed; it is logged");
    if (!(error instanceof Problem)) console.error(error);
    return c.body(JSON.stringify(problem), problem.status as 500, {
      "content-type": "application/problem+json",
      ...(problem.retryAfterSeconds ? { "retry-after": String(problem.retryAfterSeconds) } : {}),
    });
  });
  app.notFound((c) =>
    c.body(JSON.stringify(new Problem(404, "Not Found", "no such route")), 404, {
      "content-type": "application/problem+json",
    }),
  );

  // Staff act through their session cookie: a change must come from this app's own pages.
  app.use("*", async (c, next) => {
    const refusal = crossOriginRefusal(c.req.method, c.req.raw.headers, [
      c.req.header("host"),
      c.req.header("x-forwarded-host"),
    ]);
    if (refusal) throw new Problem(403, "Forbidden", refusal);
    await next();
  });

  app.post("/auth/login", async (c) => {
    const { db } = await resolve();
    const input = await body(c.req.raw, StaffLogin);
    const address = clientAddress(c.req.raw.headers);
    const wait = signIns.refusal(input.email, address);
    if (wait !== undefined) {
      throw new Problem(
        429,
        "Too Many Requests",
        `too many failed sign-ins for this account or address: try again in ${wait} s`,
        undefined,
        wait,
      );
    }
    const { token, staff } = await login(db, input.email, input.password).catch((error: unknown) => {
      if (error instanceof Problem && error.status === 401) signIns.failed(input.email, address);
      throw error;
    });
    signIns.succeeded(input.email);
    setCookie(c, cookie.name, token, { ...cookie.options, maxAge: SESSION_HOURS * 3600 });
    return c.json({ staff });
  });

  // Everything below needs a signed-in staff member.
  app.use("*", async (c, next) => {
    const { db } = await resolve();
    const staff = await staffForToken(db, getCookie(c, cookie.name));
    if (!staff) throw new Problem(401, "Unauthorized", "sign in first");
    c.set("staff", staff);
    await next();
  });
  const idParam = (id: string, what = "subscriber") => {
    if (!uuid.test(id)) throw new Problem(404, "Not Found", `no such ${what}`);
    return id;
  };

  app.post("/auth/logout", async (c) => {
    const { db } = await resolve();
    const token = getCookie(c, cookie.name);
    if (token) await logout(db, token);
    deleteCookie(c, cookie.name, cookie.options);
    return c.body(null, 204);
  });
  app.get("/auth/me", (c) => c.json(c.var.staff));

  app.get("/dashboard", async (c) => {
    requirePermission(c.var.staff, "customers:read");
    return c.json(await dashboardStats((await resolve()).db));
  });

  app.get("/subscribers", async (c) => {
    requirePermission(c.var.staff, "customers:read");
    const query = SubscriberQuery.safeParse(c.req.query());
    if (!query.success) throw new Problem(400, "Invalid input", "bad query", fieldErrors(query.error));
    return c.json(await listSubscribers((await resolve()).db, query.data));
  });
  // Before /subscribers/:id, which would otherwise take "export.csv" for an id.
  app.get("/subscribers/export.csv", async (c) => {
    requirePermission(c.var.staff, "customers:read");
    const { db } = await resolve();
    await auditExport(db, c.var.staff);
    return c.body(exportSubscribers(db), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });
  app.post("/subscribers/import", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const text = await c.req.text();
    if (text.length > 20 * 1024 * 1024)
      throw new Problem(413, "Payload Too Large", "at most 20 MiB per file");
    const { db, box } = await resolve();
    return c.json(await importSubscribers(db, box, c.var.staff, text));
  });
  app.post("/subscribers", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const { db, box } = await resolve();
    const created = await createSubscriber(db, box, c.var.staff, await body(c.req.raw, SubscriberCreate));
    return c.json(created, 201);
  });
  app.get("/subscribers/:id", async (c) => {
    requirePermission(c.var.staff, "customers:read");
    const detail = await subscriberDetail((await resolve()).db, idParam(c.req.param("id")));
    if (!detail) throw new Problem(404, "Not Found", "no such subscriber");
    return c.json(detail);
  });
  app.patch("/subscribers/:id", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const id = idParam(c.req.param("id"));
    const input = await body(c.req.raw, SubscriberUpdate);
    await updateSubscriber((await resolve()).db, c.var.staff, id, input);
    return c.json(await subscriberDetail((await resolve()).db, id));
  });
  app.post("/subscribers/:id/status", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const id = idParam(c.req.param("id"));
    const change = await body(c.req.raw, StatusChange);
    const { db, disconnect } = await resolve();
    return c.json(await setStatus(db, c.var.staff, id, change.to, change.reason, disconnect));
  });
  app.post("/subscribers/:id/credentials", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const id = idParam(c.req.param("id"));
    const { password } = await body(c.req.raw, CredentialReset);
    const { db, box } = await resolve();
    await resetCredentials(db, box, c.var.staff, id, password);
    return c.body(null, 204);
  });

  app.get("/plans", async (c) => {
    const staff = c.var.staff;
    if (!staff.permissions.includes("billing:read")) requirePermission(staff, "customers:read");
    return c.json({ items: await listPlans((await resolve()).db) });
  });
  app.post("/plans", async (c) => {
    requirePermission(c.var.staff, "billing:write");
    const plan = await createPlan((await resolve()).db, c.var.staff, await body(c.req.raw, PlanCreate));
    return c.json(plan, 201);
  });

  app.get("/nas", async (c) => {
    requirePermission(c.var.staff, "network:manage");
    return c.json({ items: await listNas((await resolve()).db) });
  });
  app.post("/nas", async (c) => {
    requirePermission(c.var.staff, "network:manage");
    const { db, box } = await resolve();
    return c.json(await createNas(db, box, c.var.staff, await body(c.req.raw, NasCreate)), 201);
  });
  app.patch("/nas/:id", async (c) => {
    requirePermission(c.var.staff, "network:manage");
    const { db, box } = await resolve();
    const id = idParam(c.req.param("id"), "NAS");
    return c.json(await updateNas(db, box, c.var.staff, id, await body(c.req.raw, NasUpdate)), 200);
  });
  app.get("/sessions/online", async (c) => {
    requirePermission(c.var.staff, "network:manage");
    const items = await onlineSessions((await resolve()).db, c.req.query("q"));
    return c.json({
      items: items.map((s) => ({
        ...s,
        inputOctets: Number(s.inputOctets),
        outputOctets: Number(s.outputOctets),
      })),
    });
  });
  app.post("/sessions/:id/disconnect", async (c) => {
    requirePermission(c.var.staff, "network:manage");
    const { db, disconnect } = await resolve();
    return c.json(await disconnectSession(db, c.var.staff, c.req.param("id"), disconnect));
  });

  app.get("/devices", async (c) => {
    requirePermission(c.var.staff, "customers:read");
    return c.json({ items: await listDevices((await resolve()).db, c.req.query("q")) });
  });
  app.post("/devices", async (c) => {
    requirePermission(c.var.staff, "customers:write");
    const device = await createDevice((await resolve()).db, c.var.staff, await body(c.req.raw, DeviceCreate));
    return c.json(device, 201);
  });

  app.get("/staff", async (c) => {
    requirePermission(c.var.staff, "settings:write");
    return c.json({ items: await listStaff((await resolve()).db) });
  });
  app.post("/staff", async (c) => {
    requirePermission(c.var.staff, "settings:write");
    const created = await addStaff((await resolve()).db, c.var.staff, await body(c.req.raw, StaffCreate));
    return c.json(created, 201);
  });
  app.post("/staff/:id/disable", async (c) => {
    requirePermission(c.var.staff, "settings:write");
    const id = idParam(c.req.param("id"), "staff member");
    return c.json(await disableStaff((await resolve()).db, c.var.staff, id), 200);
  });

  return app;
}

/** Exports are audited: a list of every customer leaving the system is worth a record. */
async function auditExport(db: TenantDb, staff: Staff) {
  await db.insert(auditLogs).values({
    actorType: "staff",
    actorId: staff.id,
    action: "subscriber.export",
    targetType: "subscriber",
  });
}
