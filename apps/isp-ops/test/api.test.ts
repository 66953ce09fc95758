// Long file: the permission matrix over every isp-ops route and the cases it drives share one database and app, started once.
import { scryptSync } from "node:crypto";
import { StaffPermission } from "@dotmac/contracts";
import { scryptCost } from "@dotmac/crypto/passwords";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import {
  accountingSessions,
  auditLogs,
  devices,
  nasClients,
  radiusCredentials,
  sealedFor,
  staffUsers,
  subscribers,
  type TenantDb,
} from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIspOpsApi } from "../src/server/api.ts";
import { staffCookie } from "../src/server/auth.ts";
import { createStaff } from "../src/server/staff.ts";
import { type Json, PASSWORD, startApi } from "./harness.ts";

describe("isp-ops API", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let db: TenantDb;
  let box: SecretBox;
  let api: Awaited<ReturnType<typeof startApi>>["api"];
  let admin: Record<string, string>;
  let disconnected: string[];
  let planId: string;
  const call = (...args: Parameters<typeof h.call>) => h.call(...args);
  const signIn = (email: string) => h.signIn(email);
  const staffWith = (name: string, permissions: StaffPermission[]) => h.staffWith(name, permissions);
  let n = 0;
  const newSubscriber = (extra: Record<string, unknown> = {}) => ({
    name: `Subscriber ${++n}`,
    serviceAddress: `${n} Fibre Street`,
    planId,
    username: `sub${n}-${Date.now()}`,
    password: "router-password",
    ...extra,
  });

  beforeAll(async () => {
    h = await startApi();
    ({ db, box, api, admin, disconnected } = h);
    const plan = await call("/plans", {
      method: "POST",
      cookie: admin,
      json: {
        name: "Fibre 100",
        downloadKbps: 100_000,
        uploadKbps: 20_000,
        priceMinor: 2999,
        currency: "EUR",
      },
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    planId = plan.body.id;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("signs staff in with a host-only, Secure, HttpOnly, SameSite=Strict session and out again", async () => {
    const wrong = await call("/auth/login", {
      method: "POST",
      json: { email: "admin@isp.test", password: "nope" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.type).toMatch(/application\/problem\+json/);
    const res = await call("/auth/login", {
      method: "POST",
      json: { email: "ADMIN@isp.test", password: PASSWORD },
    });
    // Host-only and Secure by default: no subdomain or plain-HTTP page can set or shadow it.
    expect(res.setCookie).toMatch(
      /^__Host-dotmac_staff=dmo_[\w-]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const cookie = { cookie: (res.setCookie ?? "").split(";")[0] ?? "" };
    expect((await call("/auth/me", { cookie })).body).toMatchObject({
      email: "admin@isp.test",
      role: "admin",
    });
    expect((await call("/auth/logout", { method: "POST", cookie })).status).toBe(204);
    expect((await call("/auth/me", { cookie })).status).toBe(401);
  });

  it("drops Secure and the __Host- name only when told it is served over plain HTTP", async () => {
    const plain = createIspOpsApi({ db, box }, staffCookie({ ISP_OPS_PLAIN_HTTP: true }));
    const res = await plain.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@isp.test", password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const set = res.headers.get("set-cookie") ?? "";
    expect(set).toMatch(/^dotmac_staff=dmo_[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    // The default cookie is not read in that mode, nor the plain one in the default.
    const token = set.split(";")[0]?.split("=")[1];
    expect((await call("/auth/me", { cookie: { cookie: `dotmac_staff=${token}` } })).status).toBe(401);
  });

  it("holds an account back after ten wrong passwords (429, Retry-After), auditing each failure but no more", async () => {
    await createStaff(db, {
      email: "target@isp.test",
      displayName: "Target",
      password: PASSWORD,
      role: "target",
      permissions: ["customers:read"],
    });
    const attempt = (password: string) =>
      call("/auth/login", { method: "POST", json: { email: "target@isp.test", password } });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    for (const password of ["guess-10", PASSWORD]) {
      const held = await attempt(password);
      expect(held.status).toBe(429);
      expect(Number(held.retryAfter)).toBeGreaterThan(800);
      expect(held.body.detail).toMatch(/too many failed sign-ins/);
    }
    const failures = await db.select().from(auditLogs).where(eq(auditLogs.action, "staff.login_failed"));
    expect(failures.filter((f) => (f.after as { email?: string })?.email === "target@isp.test")).toHaveLength(
      10,
    );
    // Others sign in as before.
    await signIn("admin@isp.test");
  });

  it("redoes a staff password hash made under weaker parameters at the next good sign-in", async () => {
    const staff = await createStaff(db, {
      email: "veteran@isp.test",
      displayName: "Veteran",
      password: PASSWORD,
      role: "veteran",
      permissions: ["customers:read"],
    });
    const weaker = scryptCost() / 2;
    const salt = Buffer.from("saltsaltsaltsalt");
    const key = scryptSync(PASSWORD, salt, 32, { N: weaker, r: 8, p: 1 });
    await db
      .update(staffUsers)
      .set({
        passwordHash: `scrypt$${weaker}$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`,
      })
      .where(eq(staffUsers.id, staff.id));
    await signIn("veteran@isp.test");
    const [after] = await db.select().from(staffUsers).where(eq(staffUsers.id, staff.id));
    expect(after?.passwordHash).toMatch(new RegExp(`^scrypt\\$${scryptCost()}\\$8\\$1\\$`));
    await signIn("veteran@isp.test");
  });

  it("refuses a change from another origin and a body that is not JSON, writing nothing", async () => {
    const before = (await db.select().from(subscribers)).length;
    const post = (headers: Record<string, string>, body = JSON.stringify(newSubscriber())) =>
      api.request("/api/v1/subscribers", {
        method: "POST",
        headers: { host: "west.localhost:3000", ...admin, ...headers },
        body,
      });
    // The reproduced attack: another site's form posts text/plain with the staff cookie.
    const plain = await post({ "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    for (const forged of [
      { "content-type": "application/json", origin: "http://admin.localhost:3001" },
      { "content-type": "application/json", "sec-fetch-site": "same-site" },
    ] as Record<string, string>[]) {
      const res = await post(forged);
      expect(res.status, JSON.stringify(forged)).toBe(403);
      expect((await res.json()).detail).toMatch(/may not change anything/);
    }
    expect((await db.select().from(subscribers)).length).toBe(before);
    const own = await post({
      "content-type": "application/json",
      origin: "http://west.localhost:3000",
      "sec-fetch-site": "same-origin",
    });
    expect(own.status).toBe(201);
  });

  it("checks each route's permission on the server", async () => {
    const [s] = await db.select().from(subscribers).limit(1);
    const someId =
      s?.id ?? (await call("/subscribers", { method: "POST", cookie: admin, json: newSubscriber() })).body.id;
    const nas = await call("/nas", {
      method: "POST",
      cookie: admin,
      json: { name: "perm-nas", network: "198.51.100.0/28", secret: "perm-nas-shared-secret" },
    });
    const routes: [string, string, StaffPermission, unknown?][] = [
      ["GET", "/dashboard", "customers:read"],
      ["GET", "/subscribers", "customers:read"],
      ["GET", `/subscribers/${someId}`, "customers:read"],
      ["POST", "/subscribers", "customers:write", newSubscriber()],
      ["PATCH", `/subscribers/${someId}`, "customers:write", { phone: "+44 20 7946 0000" }],
      ["POST", `/subscribers/${someId}/credentials`, "customers:write", { password: "a-new-password" }],
      [
        "POST",
        "/plans",
        "billing:write",
        { name: "Perm plan", downloadKbps: 1000, uploadKbps: 1000, priceMinor: 0, currency: "EUR" },
      ],
      ["GET", "/nas", "network:manage"],
      [
        "POST",
        "/nas",
        "network:manage",
        { name: "perm-nas-2", network: "198.51.100.16/28", secret: "perm-nas-2-shared-secret" },
      ],
      ["PATCH", `/nas/${nas.body.id}`, "network:manage", { coaPort: 1700 }],
      ["GET", "/sessions/online", "network:manage"],
      ["GET", "/devices", "customers:read"],
      ["POST", "/devices", "customers:write", { serial: "PERM-1", model: "F670L" }],
      ["GET", "/staff", "settings:write"],
      ["GET", "/audit", "settings:write"],
      ["POST", `/staff/${crypto.randomUUID()}/disable`, "settings:write"],
      [
        "POST",
        "/staff",
        "settings:write",
        {
          email: "perm-staff@isp.test",
          displayName: "Perm Staff",
          password: "perm-staff-password",
          role: "settings-only",
          permissions: ["settings:write"],
        },
      ],
      ["GET", "/subscribers/export.csv", "customers:read"],
      [
        "POST",
        "/subscribers/import",
        "customers:write",
        { csv: "name,serviceAddress,username,password\nPerm Csv,1 Perm Road,perm-csv,perm-csv-password" },
      ],
      ["POST", `/subscribers/${someId}/status`, "customers:write", { to: "active" }],
      // No such session: past authorisation it is a 404 (or 503 with no RADIUS to ask).
      ["POST", "/sessions/999999/disconnect", "network:manage"],
      ["GET", "/billing/settings", "billing:read"],
      ["PATCH", "/billing/settings", "billing:write", { paymentTermsDays: 14 }],
      ["GET", "/billing/tax-rates", "billing:read"],
      [
        "POST",
        "/billing/tax-rates",
        "billing:write",
        { name: "Perm levy", basisPoints: 100, inclusive: false },
      ],
      ["GET", "/invoices", "billing:read"],
      [
        "POST",
        "/invoices",
        "billing:write",
        { subscriberId: someId, lines: [{ description: "Router", unitMinor: 100 }] },
      ],
      ["GET", `/invoices/${crypto.randomUUID()}`, "billing:read"],
      ["POST", `/invoices/${crypto.randomUUID()}/void`, "billing:write", { reason: "perm" }],
      [
        "POST",
        `/invoices/${crypto.randomUUID()}/credit-notes`,
        "billing:write",
        { amountMinor: 1, reason: "perm" },
      ],
      [
        "POST",
        "/payments",
        "billing:write",
        { subscriberId: someId, amountMinor: 100, currency: "EUR", method: "cash" },
      ],
      ["GET", `/subscribers/${someId}/billing`, "billing:read"],
      ["GET", "/billing/overview", "billing:read"],
      // A bad address: checked after the permission (a real send is in dunning.test.ts).
      ["POST", "/billing/mail-test", "billing:write", { to: "not-an-address" }],
      ["POST", `/subscribers/${someId}/refunds`, "billing:write", { amountMinor: 1, reason: "perm" }],
      // A day long past: the run bills nothing here.
      ["POST", "/billing/runs", "billing:write", { asOf: "2000-01-01" }],
      ["GET", "/billing/runs", "billing:read"],
      ["GET", `/subscribers/${someId}/dunning`, "billing:read"],
      ["PUT", `/subscribers/${someId}/dunning`, "billing:write", { until: null }],
      ["POST", "/billing/dunning-runs", "billing:write", { asOf: "2000-01-01" }],
      ["POST", `/invoices/${crypto.randomUUID()}/checkout`, "billing:write"],
      ["GET", `/invoices/${crypto.randomUUID()}/pdf`, "billing:read"],
      ["GET", `/payments/${crypto.randomUUID()}/receipt`, "billing:read"],
      ["GET", "/tickets", "support:read"],
      [
        "POST",
        "/tickets",
        "support:write",
        { subscriberId: someId, subject: "Perm", category: "other", body: "No light on the ONT" },
      ],
      ["GET", `/tickets/${crypto.randomUUID()}`, "support:read"],
      ["PATCH", `/tickets/${crypto.randomUUID()}`, "support:write", { priority: "high" }],
      ["POST", `/tickets/${crypto.randomUUID()}/messages`, "support:write", { body: "On our way" }],
      ["GET", "/helpdesk/sla", "support:read"],
      // Past the permission: someone without an e-mail address (409), or no such subscriber.
      ["POST", `/subscribers/${someId}/portal-invite`, "customers:write"],
      [
        "PUT",
        "/helpdesk/sla/low",
        "settings:write",
        { firstResponseMinutes: 1440, resolutionMinutes: 10080 },
      ],
    ];
    for (const [method, path, permission, payload] of routes) {
      const csv =
        payload && typeof payload === "object" && "csv" in payload ? String(payload.csv) : undefined;
      const json = csv === undefined ? payload : undefined;
      const init = { method, ...(json !== undefined ? { json } : {}), ...(csv !== undefined ? { csv } : {}) };
      expect((await call(path, init)).status, `${method} ${path} signed out`).toBe(401);
      const others = await staffWith(
        `no-${permission.replace(":", "-")}-${n++}`,
        StaffPermission.options.filter((p) => p !== permission),
      );
      const refused = await call(path, { ...init, cookie: others });
      expect(refused.status, `${method} ${path} without ${permission}`).toBe(403);
      expect(refused.body.detail).toContain(permission);
      const only = await staffWith(`only-${permission.replace(":", "-")}-${n++}`, [permission]);
      const body = json && typeof json === "object" && "username" in json ? newSubscriber() : json;
      const allowed = await call(path, {
        method,
        ...(body !== undefined ? { json: body } : {}),
        ...(csv !== undefined ? { csv } : {}),
        cookie: only,
      });
      const said = `${method} ${path} with ${permission}: ${JSON.stringify(allowed.body)}`;
      expect([401, 403], said).not.toContain(allowed.status);
      expect(allowed.status, said).toBeLessThan(500);
    }
    // Every route the API documents is in the matrix above, or is a staff member's own session, or
    // Stripe's webhook (no session: its signature authenticates it; see card-payments.test.ts).
    const doc = (await call("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace("/api/v1", "")}`),
    );
    const covered = new Set(
      [...routes, ["GET", "/plans"]].map(
        ([method, path]) =>
          `${method} ${String(path)
            .replace(/[0-9a-f-]{36}|\d{6}/g, "{id}")
            .replace(/\/sla\/[a-z]+$/, "/sla/{priority}")}`,
      ),
    );
    // The customer portal's routes take a subscriber's session, never a staff one (portal.test.ts).
    const portal = [
      "POST /portal/auth/login",
      "POST /portal/auth/logout",
      "POST /portal/auth/password-link",
      "POST /portal/auth/password",
      "GET /portal/service",
      "GET /portal/usage",
      "GET /portal/account",
      "PATCH /portal/account",
      "POST /portal/account/email",
      "POST /portal/account/email/confirm",
      "POST /portal/account/password",
      "GET /portal/tickets",
      "POST /portal/tickets",
      "GET /portal/tickets/{id}",
      "POST /portal/tickets/{id}/messages",
      "GET /portal/invoices",
      "GET /portal/invoices/{id}/pdf",
      "GET /portal/payments/{id}/receipt",
      "POST /portal/invoices/{id}/checkout",
    ];
    const own = [
      "POST /auth/login",
      "POST /auth/logout",
      "POST /auth/password",
      "GET /auth/me",
      "POST /payments/stripe/webhook",
      ...portal,
    ];
    expect(documented.filter((r) => !own.includes(r)).sort()).toEqual([...covered].sort());
    // Plans are read for billing or for customers: either permission, and nothing else, opens them.
    const neither = await staffWith(
      `no-plans-${n++}`,
      StaffPermission.options.filter((p) => p !== "billing:read" && p !== "customers:read"),
    );
    expect((await call("/plans", { cookie: neither })).status).toBe(403);
    for (const permission of ["billing:read", "customers:read"] as const) {
      const only = await staffWith(`plans-${permission.replace(":", "-")}-${n++}`, [permission]);
      expect((await call("/plans", { cookie: only })).status, permission).toBe(200);
    }
  });

  it("creates a subscriber with a sealed RADIUS password that no answer ever contains", async () => {
    const input = newSubscriber({
      email: "Ada@Example.com",
      phone: "+353 1 555 0100",
      staticIp: "100.64.1.1",
    });
    const created = await call("/subscribers", { method: "POST", cookie: admin, json: input });
    expect(created.status).toBe(201);
    expect(created.body.accountNumber).toBeGreaterThan(100_000);
    const detail = await call(`/subscribers/${created.body.id}`, { cookie: admin });
    expect(detail.body).toMatchObject({
      name: input.name,
      status: "pending",
      username: input.username,
      staticIp: "100.64.1.1",
      planName: "Fibre 100",
    });
    const [cred] = await db
      .select()
      .from(radiusCredentials)
      .where(eq(radiusCredentials.subscriberId, created.body.id));
    expect(cred?.passwordEncrypted.includes(Buffer.from("router-password"))).toBe(false);
    expect(
      box.open(cred?.passwordEncrypted ?? Buffer.alloc(0), sealedFor.radiusPassword(created.body.id)),
    ).toBe("router-password");
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.targetId, created.body.id));
    expect(JSON.stringify([detail.body, audit])).not.toContain("router-password");

    expect(
      (
        await call(`/subscribers/${created.body.id}/credentials`, {
          method: "POST",
          cookie: admin,
          json: { password: "new-router-pw" },
        })
      ).status,
    ).toBe(204);
    const [after] = await db
      .select()
      .from(radiusCredentials)
      .where(eq(radiusCredentials.subscriberId, created.body.id));
    expect(
      box.open(after?.passwordEncrypted ?? Buffer.alloc(0), sealedFor.radiusPassword(created.body.id)),
    ).toBe("new-router-pw");
  });

  it("refuses bad input with field errors and duplicates with 409 naming the field, writing nothing", async () => {
    const before = (await db.select().from(subscribers)).length;
    const bad = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: newSubscriber({ email: "not-an-email", staticIp: "300.1.1.1", username: "x" }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["email", "staticIp", "username"]);
    const first = newSubscriber();
    expect((await call("/subscribers", { method: "POST", cookie: admin, json: first })).status).toBe(201);
    const dup = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: { ...newSubscriber(), username: first.username },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.errors).toEqual([{ path: "username", message: "this username is taken" }]);
    const ip = newSubscriber({ staticIp: "100.64.9.9" });
    expect((await call("/subscribers", { method: "POST", cookie: admin, json: ip })).status).toBe(201);
    const ipDup = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: newSubscriber({ staticIp: "100.64.9.9" }),
    });
    expect([ipDup.status, ipDup.body.errors[0].path]).toEqual([409, "staticIp"]);
    // Only the two good ones were written: the refused ones left no subscriber without a login.
    expect((await db.select().from(subscribers)).length).toBe(before + 2);
    const unknownPlan = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: newSubscriber({ planId: crypto.randomUUID() }),
    });
    expect([unknownPlan.status, unknownPlan.body.errors[0].path]).toEqual([400, "planId"]);
    const plan = await call("/plans", {
      method: "POST",
      cookie: admin,
      json: {
        name: "Fibre 100",
        downloadKbps: 1000,
        uploadKbps: 1000,
        priceMinor: 0,
        currency: "eur",
        vendorAttributes: { "Mikrotik-Recv-Limit": "lots", Nope: "x" },
      },
    });
    expect([plan.status, plan.body.errors.map((e: Json) => e.path).sort()]).toEqual([
      400,
      ["currency", "vendorAttributes", "vendorAttributes.Mikrotik-Recv-Limit"],
    ]);
    const planDup = await call("/plans", {
      method: "POST",
      cookie: admin,
      json: { name: "Fibre 100", downloadKbps: 1000, uploadKbps: 1000, priceMinor: 0, currency: "EUR" },
    });
    expect([planDup.status, planDup.body.errors[0].path]).toEqual([409, "name"]);
    // No body, and no JSON content type: not JSON at all.
    expect((await call("/subscribers", { method: "POST", cookie: admin })).status).toBe(415);
  });

  it("moves subscribers through their lifecycle, disconnecting on suspend, refusing illegal moves", async () => {
    const { body: s } = await call("/subscribers", { method: "POST", cookie: admin, json: newSubscriber() });
    const move = (to: string, reason?: string) =>
      call(`/subscribers/${s.id}/status`, {
        method: "POST",
        cookie: admin,
        json: { to, ...(reason ? { reason } : {}) },
      });
    expect((await move("suspended", "unpaid")).status).toBe(409);
    expect((await move("active")).status).toBe(200);
    const [nas] = await db
      .insert(nasClients)
      .values({ name: "bng-1", network: "192.0.2.0/24", secretEncrypted: Buffer.alloc(1) })
      .returning();
    const username = (await call(`/subscribers/${s.id}`, { cookie: admin })).body.username;
    await db.insert(accountingSessions).values({
      nasId: nas?.id ?? "",
      acctSessionId: "open-1",
      subscriberId: s.id,
      username,
      nasIp: "192.0.2.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      framedIp: "100.64.50.1",
    });
    const noReason = await move("suspended");
    expect([noReason.status, noReason.body.errors[0].path]).toEqual([400, "reason"]);
    const suspended = await move("suspended", "unpaid invoice");
    expect(suspended.body).toMatchObject({ from: "active", to: "suspended", disconnected: 1 });
    expect(disconnected).toContain("open-1");
    expect((await move("active")).status).toBe(200);
    expect((await move("terminated", "moved away")).status).toBe(200);
    for (const to of ["active", "suspended", "pending"]) {
      const r = await move(to, "try");
      expect(r.status, to).toBe(409);
      expect(r.body.detail).toMatch(/a terminated subscriber cannot become/);
    }
    const detail = await call(`/subscribers/${s.id}`, { cookie: admin });
    expect(detail.body.history.map((h: Json) => h.to)).toEqual([
      "terminated",
      "active",
      "suspended",
      "active",
    ]);
    expect(
      (
        await call(`/subscribers/${crypto.randomUUID()}/status`, {
          method: "POST",
          cookie: admin,
          json: { to: "active" },
        })
      ).status,
    ).toBe(404);
  });

  it("finds subscribers by name, account number, username, phone, e-mail, framed IP and MAC", async () => {
    const { body: s } = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: newSubscriber({
        name: "Grace Hopper",
        phone: "+1 555 0199",
        email: "grace@navy.example",
        username: "ghopper",
      }),
    });
    const [nas] = await db.select().from(nasClients);
    await db.insert(accountingSessions).values({
      nasId: nas?.id ?? "",
      acctSessionId: "grace-1",
      subscriberId: s.id,
      username: "ghopper",
      nasIp: "192.0.2.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      framedIp: "100.64.77.7",
    });
    await db
      .insert(devices)
      .values({ serial: "ZTEG0001", model: "F660", mac: "00:1a:2b:3c:4d:5e", subscriberId: s.id });
    for (const q of [
      "hopp",
      "GRACE",
      String(s.accountNumber),
      "ghopper",
      "+1 555 0199",
      "Grace@Navy.example",
      "100.64.77.7",
      "00-1A-2B-3C-4D-5E",
    ]) {
      const res = await call(`/subscribers?q=${encodeURIComponent(q)}`, { cookie: admin });
      expect(
        res.body.items.map((i: Json) => i.id),
        q,
      ).toEqual([s.id]);
      expect(res.body.total, q).toBe(1);
    }
    // A search is paged and counted from one scan; past its last page the count still holds.
    for (let i = 0; i < 3; i++) {
      await call("/subscribers", {
        method: "POST",
        cookie: admin,
        json: newSubscriber({ name: `Paged Search ${i}` }),
      });
    }
    const first = await call("/subscribers?q=paged+search&pageSize=2", { cookie: admin });
    expect(first.body).toMatchObject({ total: 3, totalIsEstimate: false });
    expect(first.body.items.map((i: Json) => i.name)).toEqual(["Paged Search 2", "Paged Search 1"]);
    const beyond = await call("/subscribers?q=paged+search&pageSize=2&page=3", { cookie: admin });
    expect(beyond.body).toMatchObject({ items: [], total: 3 });
    const filtered = await call(`/subscribers?status=terminated&planId=${planId}`, { cookie: admin });
    expect(filtered.body.items.every((i: Json) => i.status === "terminated")).toBe(true);
    expect(filtered.body.total).toBe(filtered.body.items.length);
    const page = await call("/subscribers?pageSize=2&page=2", { cookie: admin });
    expect(page.body.items).toHaveLength(2);
    expect((await call("/subscribers?status=gone", { cookie: admin })).status).toBe(400);
  });

  it("keeps NAS secrets sealed and never answers with them; refuses bad networks and duplicates", async () => {
    const created = await call("/nas", {
      method: "POST",
      cookie: admin,
      json: { name: "olt-east", network: "203.0.113.0/29", secret: "olt-east-shared-secret", coaPort: 1700 },
    });
    expect(created.status).toBe(201);
    const list = await call("/nas", { cookie: admin });
    expect(JSON.stringify(list.body)).not.toContain("olt-east-shared-secret");
    expect(list.body.items.find((n: Json) => n.name === "olt-east")).toMatchObject({
      network: "203.0.113.0/29",
      coaPort: 1700,
      requireMessageAuthenticator: true,
    });
    const [row] = await db.select().from(nasClients).where(eq(nasClients.name, "olt-east"));
    expect(box.open(row?.secretEncrypted ?? Buffer.alloc(0), sealedFor.nasSecret(row?.id ?? ""))).toBe(
      "olt-east-shared-secret",
    );
    const bad = await call("/nas", {
      method: "POST",
      cookie: admin,
      json: { name: "x", network: "203.0.113.0/33", secret: "short" },
    });
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["network", "secret"]);
    const dup = await call("/nas", {
      method: "POST",
      cookie: admin,
      json: { name: "olt-east", network: "198.18.0.0/24", secret: "another-long-secret" },
    });
    expect([dup.status, dup.body.errors[0].path]).toEqual([409, "name"]);
  });

  it("changes a NAS and rotates its secret, audited without the secret; refuses bad changes whole", async () => {
    const { body: created } = await call("/nas", {
      method: "POST",
      cookie: admin,
      json: { name: "olt-west", network: "192.0.2.64/29", secret: "olt-west-first-secret" },
    });
    const sealed = async () => {
      const [row] = await db.select().from(nasClients).where(eq(nasClients.id, created.id));
      return row;
    };
    const changed = await call(`/nas/${created.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { secret: "olt-west-rotated-secret", coaPort: 1700, requireMessageAuthenticator: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "olt-west",
      coaPort: 1700,
      requireMessageAuthenticator: false,
    });
    expect(Object.keys(changed.body).filter((k) => /secret/i.test(k))).toEqual([]);
    const row = await sealed();
    expect(box.open(row?.secretEncrypted ?? Buffer.alloc(0), sealedFor.nasSecret(created.id))).toBe(
      "olt-west-rotated-secret",
    );
    const audits = await db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.targetId, created.id))
      .orderBy(auditLogs.id);
    expect(audits.map((a) => a.action)).toEqual(["nas.create", "nas.update"]);
    const audit = audits[1];
    expect(audit?.after).toMatchObject({ coaPort: 1700, secretRotated: true });
    expect(audit?.before).toMatchObject({ coaPort: 3799, requireMessageAuthenticator: true });
    expect(JSON.stringify(audit)).not.toMatch(/olt-west-(first|rotated)-secret/);

    // Bad fields, a network another NAS has, nothing at all, an unknown NAS: refused, nothing written.
    const bad = await call(`/nas/${created.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { network: "192.0.2.64/33", secret: "short", coaPort: 1812 },
    });
    expect([bad.status, bad.body.errors.map((e: Json) => e.path).sort()]).toEqual([
      400,
      ["network", "secret"],
    ]);
    const taken = await call(`/nas/${created.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { network: "203.0.113.0/29", coaPort: 1812 },
    });
    expect([taken.status, taken.body.errors[0].path]).toEqual([409, "network"]);
    const empty = await call(`/nas/${created.id}`, { method: "PATCH", cookie: admin, json: {} });
    expect(empty.status).toBe(400);
    expect(await sealed()).toEqual(row);
    const unknown = { method: "PATCH", cookie: admin, json: { coaPort: 1700 } };
    expect((await call(`/nas/${crypto.randomUUID()}`, unknown)).status).toBe(404);
    expect((await call("/nas/not-an-id", unknown)).status).toBe(404);
  });

  it("lists who is online and disconnects one session by hand, audited", async () => {
    const { body: s } = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: newSubscriber({ username: "online-1" }),
    });
    const [nas] = await db.select().from(nasClients).where(eq(nasClients.name, "olt-east"));
    await db.insert(accountingSessions).values({
      nasId: nas?.id ?? "",
      acctSessionId: "hand-1",
      subscriberId: s.id,
      username: "online-1",
      nasIp: "203.0.113.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      framedIp: "100.64.88.8",
    });
    const online = await call("/sessions/online?q=100.64.88.8", { cookie: admin });
    expect(online.body.items).toHaveLength(1);
    const result = await call(`/sessions/${online.body.items[0].id}/disconnect`, {
      method: "POST",
      cookie: admin,
    });
    expect(result.body).toEqual({ outcome: "ack" });
    expect(disconnected).toContain("hand-1");
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.targetId, "hand-1"));
    expect(audit.map((a) => a.action)).toEqual(["session.disconnect"]);
    expect((await call("/sessions/999999999/disconnect", { method: "POST", cookie: admin })).status).toBe(
      404,
    );
  });

  it("records devices with normalised MACs, refusing bad and duplicate ones", async () => {
    const { body: s } = await call("/subscribers", { method: "POST", cookie: admin, json: newSubscriber() });
    const ok = await call("/devices", {
      method: "POST",
      cookie: admin,
      json: { serial: "ZTE-77", model: "F670L", mac: "AA-BB-CC-00-11-22", subscriberId: s.id },
    });
    expect([ok.status, ok.body.mac]).toEqual([201, "aa:bb:cc:00:11:22"]);
    const bad = await call("/devices", {
      method: "POST",
      cookie: admin,
      json: { serial: "ZTE-78", model: "F670L", mac: "not-a-mac" },
    });
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, "mac"]);
    const dup = await call("/devices", {
      method: "POST",
      cookie: admin,
      json: { serial: "ZTE-79", model: "F670L", mac: "aabbcc001122" },
    });
    expect([dup.status, dup.body.errors[0].path]).toEqual([409, "mac"]);
    const noSub = await call("/devices", {
      method: "POST",
      cookie: admin,
      json: { serial: "ZTE-80", model: "F670L", subscriberId: crypto.randomUUID() },
    });
    expect([noSub.status, noSub.body.errors[0].path]).toEqual([400, "subscriberId"]);
    const list = await call("/devices?q=ZTE-77", { cookie: admin });
    expect(list.body.items).toEqual([
      expect.objectContaining({ serial: "ZTE-77", subscriber: s.name ?? expect.any(String) }),
    ]);
  });

  it("documents itself (OpenAPI 3.1 and a reference page served from here) and limits bodies", async () => {
    const doc = await call("/openapi.json");
    expect(doc.body).toMatchObject({ openapi: "3.1.0", info: { title: "DotMac isp-ops API" } });
    expect(doc.body.paths["/api/v1/subscribers/{id}/status"].post.responses).toHaveProperty("409");
    const page = await api.request("/api/v1/reference");
    expect(await page.text()).toContain('src="/api/v1/reference/swagger-ui-bundle.js"');
    const bundle = await api.request("/api/v1/reference/swagger-ui-bundle.js");
    expect([bundle.status, bundle.headers.get("content-type")]).toEqual([200, "text/javascript"]);
    expect((await api.request("/api/v1/reference/init.js")).status).toBe(200);
    // A JSON body past 1 MiB is refused before it is read; an import may be larger.
    const huge = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: { ...newSubscriber(), name: "x".repeat(1024 * 1024) },
    });
    expect([huge.status, huge.body.detail]).toEqual([413, "the body is larger than 1048576 bytes"]);
    const bigImport = await call("/subscribers/import", {
      method: "POST",
      cookie: admin,
      csv: `name,serviceAddress,username,password\n${"x".repeat(2 * 1024 * 1024)}`,
    });
    expect(bigImport.status).toBe(400);
    expect(bigImport.body.detail).not.toMatch(/larger than/);
  });

  it("adds staff with a role, refusing to change an existing role's permissions by the way", async () => {
    const added = await call("/staff", {
      method: "POST",
      cookie: admin,
      json: {
        email: "helpdesk@isp.test",
        displayName: "Help Desk",
        password: "helpdesk-password",
        role: "helpdesk",
        permissions: ["customers:read", "support:write"],
      },
    });
    expect(added.status).toBe(201);
    const helpdesk = await signIn("helpdesk@isp.test").catch(() => undefined);
    expect(helpdesk).toBeUndefined(); // not PASSWORD: signIn expects the shared one
    const login = await call("/auth/login", {
      method: "POST",
      json: { email: "helpdesk@isp.test", password: "helpdesk-password" },
    });
    expect(login.body.staff.permissions).toEqual(["customers:read", "support:write"]);
    const conflict = await call("/staff", {
      method: "POST",
      cookie: admin,
      json: {
        email: "other@isp.test",
        displayName: "Other",
        password: "other-password-1",
        role: "helpdesk",
        permissions: ["settings:write"],
      },
    });
    expect([conflict.status, conflict.body.errors[0].path]).toEqual([409, "role"]);
    const list = await call("/staff", { cookie: admin });
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/i);
  });

  it("lets staff grant only what they hold, and disable others, ending every session of theirs", async () => {
    const manager = await staffWith("settings-manager", ["settings:write", "customers:read"]);
    const escalate = await call("/staff", {
      method: "POST",
      cookie: manager,
      json: {
        email: "clerk@isp.test",
        displayName: "Clerk",
        password: "clerk-password-1",
        role: "clerk",
        permissions: ["customers:read", "billing:write"],
      },
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.errors).toEqual([
      { path: "permissions", message: "not yours to grant: billing:write" },
    ]);
    expect((await call("/staff", { cookie: admin })).body.items.map((x: Json) => x.email)).not.toContain(
      "clerk@isp.test",
    );

    const leaver = await staffWith("leaver", ["customers:read"]);
    const again = await signIn("leaver@isp.test");
    expect((await call("/subscribers", { cookie: again })).status).toBe(200);
    const [row] = await db.select().from(staffUsers).where(eq(staffUsers.email, "leaver@isp.test"));
    const disabled = await call(`/staff/${row?.id}/disable`, { method: "POST", cookie: manager });
    expect(disabled.status).toBe(200);
    expect(disabled.body.sessionsEnded).toBe(2);
    for (const session of [leaver, again])
      expect((await call("/subscribers", { cookie: session })).status).toBe(401);
    expect(
      (await call("/auth/login", { method: "POST", json: { email: "leaver@isp.test", password: PASSWORD } }))
        .status,
    ).toBe(401);
    const [me] = await db.select().from(staffUsers).where(eq(staffUsers.email, "settings-manager@isp.test"));
    expect((await call(`/staff/${me?.id}/disable`, { method: "POST", cookie: manager })).status).toBe(409);
    const [entry] = await db.select().from(auditLogs).where(eq(auditLogs.action, "staff.disable"));
    expect(entry).toMatchObject({ targetId: row?.id, after: { sessionsEnded: 2 } });
  });

  it("imports a CSV all or nothing, with a report per line, and exports it back", async () => {
    const before = (await db.select().from(subscribers)).length;
    const bad = [
      "name,serviceAddress,username,password,email,plan,staticIp",
      "Csv One,1 Csv Road,csv-one,csv-password-1,one@csv.example,Fibre 100,",
      "Csv Two,2 Csv Road,csv-one,csv-password-2,,Fibre 100,",
      'Csv Three,"3, Csv Road",x,csv-password-3,not-mail,Gold,',
      "Csv Four,4 Csv Road,ghopper,csv-password-4,,,100.64.1.1",
    ].join("\n");
    const refused = await call("/subscribers/import", { method: "POST", cookie: admin, csv: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: Json) => e.path)).toEqual([
      "line 3.username",
      "line 4.plan",
      "line 4.email",
      "line 4.username",
      "line 5.username",
      "line 5.staticIp",
    ]);
    expect((await db.select().from(subscribers)).length).toBe(before);

    const good = [
      "name,serviceAddress,username,password,email,plan,staticIp,phone",
      "Csv One,1 Csv Road,csv-one,csv-password-1,one@csv.example,Fibre 100,,",
      '"Csv, Two","2 Csv Road\nFlat 3",csv-two,csv-password-2,,,100.64.200.2,=cmd()',
    ].join("\r\n");
    const imported = await call("/subscribers/import", { method: "POST", cookie: admin, csv: good });
    expect(imported.body).toEqual({ imported: 2 });
    const two = await call("/subscribers?q=csv-two", { cookie: admin });
    const detail = await call(`/subscribers/${two.body.items[0].id}`, { cookie: admin });
    expect(detail.body).toMatchObject({
      name: "Csv, Two",
      serviceAddress: "2 Csv Road\nFlat 3",
      staticIp: "100.64.200.2",
    });

    const exported = await call("/subscribers/export.csv", { cookie: admin });
    expect(exported.type).toMatch(/text\/csv/);
    const lines = (exported.body as string).split("\r\n");
    expect(lines[0]).toBe(
      "accountNumber,name,email,phone,serviceAddress,status,plan,staticIp,username,createdAt",
    );
    expect(exported.body).toContain(
      '"Csv, Two",,\'=cmd(),"2 Csv Road\nFlat 3",pending,,100.64.200.2,csv-two,',
    );
    expect(exported.body).not.toContain("csv-password");
    const [audit] = await db.select().from(auditLogs).where(eq(auditLogs.action, "subscriber.export"));
    expect(audit?.actorType).toBe("staff");
  });
});
