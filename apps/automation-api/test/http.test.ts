// Long file: the permission matrix over every route and the cases it drives share one database and app, started once.
import { scryptSync } from "node:crypto";
import { type PlatformPermission, platformPermissions } from "@dotmac/contracts";
import { scryptCost } from "@dotmac/crypto/passwords";
import { platformClient } from "@dotmac/platform-api/client";
import * as contract from "@dotmac/platform-api/routes";
import { apiTokens, auditLogs, operations, platformUsers, tenants } from "@dotmac/platform-db";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonHeaders, startTestDb, type TestDb, testApp, userWith } from "./harness.ts";

const base = "/api/platform/v1";
/** A response whose JSON the test inspects freely. */
type Res = Omit<Response, "json"> & { json(): Promise<any> };

const onboarding = (slug: string) => ({ slug, displayName: `ISP ${slug}`, plan: "starter", seats: 5 });

describe("automation API over HTTP (real database, no stacks run)", () => {
  let t: TestDb;
  let http: ReturnType<typeof testApp>;
  let admin: Awaited<ReturnType<typeof userWith>>;

  const call = async (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Res> => {
    const { json, ...rest } = init;
    return http.app.request(`${base}${path}`, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      headers: jsonHeaders((init.headers as Record<string, string>) ?? {}),
    });
  };
  const onboard = async (slug: string, headers = admin.auth) => {
    const res = await call("/tenants", { method: "POST", headers, json: onboarding(slug) });
    expect(res.status, await res.clone().text()).toBe(202);
    return (await res.json()) as { operationId: string; tenantId: string };
  };

  const raw = async (...args: Parameters<typeof http.app.request>): Promise<Res> => http.app.request(...args);

  beforeAll(async () => {
    t = await startTestDb();
    http = testApp(t.db);
    admin = await userWith(t.db, ["platform:admin"]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("bad input is refused with problem+json and changes nothing", () => {
    it("names each bad field", async () => {
      const res = await call("/tenants", {
        method: "POST",
        headers: admin.auth,
        json: { slug: "Bad_Slug", displayName: "x", plan: "gold", seats: 0 },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = await res.json();
      expect(body).toMatchObject({ type: expect.stringContaining("400"), title: "Bad Request", status: 400 });
      const paths = body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(["slug", "plan", "seats"]));
      expect(await t.db.select().from(tenants)).toHaveLength(0);
    });

    it("checks the plan's limits across fields", async () => {
      const res = await call("/tenants", {
        method: "POST",
        headers: admin.auth,
        json: { ...onboarding("too-many"), seats: 26, features: ["genieacs"] },
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { path: "seats", message: "the starter plan allows at most 25 seats" },
          { path: "features.0", message: "genieacs is not available on the starter plan" },
        ]),
      );
    });

    it("refuses malformed JSON, unknown fields, reserved slugs and oversize bodies", async () => {
      const malformed = await raw(`${base}/tenants`, {
        method: "POST",
        headers: jsonHeaders(admin.auth),
        body: "{not json",
      });
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).detail).toMatch(/malformed json/i);

      const unknown = await call("/tenants", {
        method: "POST",
        headers: admin.auth,
        json: { ...onboarding("xyz"), root: true },
      });
      expect(unknown.status).toBe(400);

      const reserved = await call("/tenants", {
        method: "POST",
        headers: admin.auth,
        json: onboarding("admin"),
      });
      expect((await reserved.json()).errors).toEqual([{ path: "slug", message: "this slug is reserved" }]);

      const huge = await raw(`${base}/tenants`, {
        method: "POST",
        headers: jsonHeaders(admin.auth),
        body: JSON.stringify({ ...onboarding("huge"), displayName: "x".repeat(2 * 1024 * 1024) }),
      });
      expect(huge.status).toBe(413);
      expect(huge.headers.get("content-type")).toBe("application/problem+json");
      expect(await t.db.select().from(tenants)).toHaveLength(0);
    });

    it("answers unknown routes and internal errors with problems that hold no stack", async () => {
      const res = await call("/nope", { headers: admin.auth });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const bad = await call("/operations/not-a-uuid", { headers: admin.auth });
      expect(bad.status).toBe(400);
      expect(await bad.text()).not.toMatch(/\bat \S+:\d+/);
    });
  });

  describe("authorisation", () => {
    // Every guarded route, with the permission it needs. Bodies are valid so only authz decides.
    const routes: { method: string; path: string; needs: PlatformPermission; json?: unknown }[] = [
      { method: "GET", path: "/tenants", needs: "platform:tenants:read" },
      { method: "POST", path: "/tenants", needs: "platform:tenants:write", json: onboarding("authz-probe") },
      { method: "GET", path: "/tenants/authz", needs: "platform:tenants:read" },
      { method: "PATCH", path: "/tenants/authz", needs: "platform:tenants:write", json: { seats: 6 } },
      { method: "POST", path: "/tenants/authz/suspend", needs: "platform:tenants:write" },
      { method: "POST", path: "/tenants/authz/resume", needs: "platform:tenants:write" },
      { method: "POST", path: "/tenants/authz/refresh", needs: "platform:tenants:write" },
      { method: "POST", path: "/tenants/authz/preview", needs: "platform:tenants:write" },
      {
        method: "POST",
        path: "/tenants/preview",
        needs: "platform:tenants:write",
        json: onboarding("authz-new"),
      },
      { method: "DELETE", path: "/tenants/authz?confirm=authz", needs: "platform:tenants:delete" },
      { method: "GET", path: "/operations", needs: "platform:tenants:read" },
      { method: "GET", path: `/operations/${crypto.randomUUID()}`, needs: "platform:tenants:read" },
      { method: "POST", path: `/operations/${crypto.randomUUID()}/cancel`, needs: "platform:tenants:write" },
      { method: "POST", path: `/operations/${crypto.randomUUID()}/retry`, needs: "platform:tenants:write" },
      { method: "GET", path: `/operations/${crypto.randomUUID()}/events`, needs: "platform:tenants:read" },
      {
        method: "POST",
        path: "/fleet/rollouts",
        needs: "platform:fleet:write",
        json: { plan: "starter", tenants: ["authz"] },
      },
      { method: "GET", path: "/flags", needs: "platform:flags:read" },
      { method: "GET", path: "/flags/evaluate?tenant=authz", needs: "platform:flags:read" },
      { method: "PUT", path: "/flags/newUi", needs: "platform:flags:write", json: { enabled: true } },
      {
        method: "PUT",
        path: "/tenants/authz/flags/newUi",
        needs: "platform:flags:write",
        json: { enabled: true },
      },
      { method: "DELETE", path: "/tenants/authz/flags/newUi", needs: "platform:flags:write" },
      {
        method: "PUT",
        path: "/tenants/authz/nas-networks",
        needs: "platform:tenants:nas:write",
        json: { nasCidrs: ["192.0.2.0/24"] },
      },
      { method: "GET", path: "/tenants/authz/entitlements", needs: "platform:tenants:entitlements:read" },
      { method: "POST", path: "/tenants/authz/admin-invitation", needs: "platform:tenants:write" },
      { method: "GET", path: "/tenants/authz/licence", needs: "platform:licenses:read" },
      { method: "PUT", path: "/tenants/authz/licence", needs: "platform:licenses:write", json: { seats: 5 } },
      { method: "GET", path: "/audit", needs: "platform:audit:read" },
      { method: "GET", path: "/tokens", needs: "platform:tokens:write" },
      {
        method: "POST",
        path: "/tokens",
        needs: "platform:tokens:write",
        json: { name: "ci", scopes: ["platform:tokens:write"] },
      },
      { method: "DELETE", path: `/tokens/${crypto.randomUUID()}`, needs: "platform:tokens:write" },
    ];

    beforeAll(async () => {
      await onboard("authz");
    });

    it.each(routes)("$method $path: 401 without credentials", async (route) => {
      const res = await call(route.path, {
        method: route.method,
        ...(route.json ? { json: route.json } : {}),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
    });

    it.each(routes)("$method $path: 403 naming $needs for a token holding everything else", async (route) => {
      const others = platformPermissions.filter((p) => p !== route.needs && p !== "platform:admin");
      const caller = await userWith(t.db, others);
      const res = await call(route.path, {
        method: route.method,
        headers: caller.auth,
        ...(route.json ? { json: route.json } : {}),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, permission: route.needs });
    });

    it.each(routes)("$method $path: passes authorisation with $needs alone", async (route) => {
      const caller = await userWith(t.db, [route.needs]);
      const res = await call(route.path, {
        method: route.method,
        headers: caller.auth,
        ...(route.json ? { json: route.json } : {}),
      });
      expect([401, 403]).not.toContain(res.status);
    });

    it("leaves no guarded route out of this matrix", async () => {
      const doc = (await (await raw("/openapi.json")).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({
          method: method.toUpperCase(),
          path: path.slice(base.length),
        })),
      );
      const covered = (op: { method: string; path: string }) =>
        routes.some(
          (r) =>
            r.method === op.method &&
            new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "[^/?]+")}(\\?|$)`).test(r.path),
        );
      const missing = operations.filter((op) => !op.path.startsWith("/auth/") && !covered(op));
      expect(operations.length).toBeGreaterThan(25);
      expect(missing).toEqual([]);
    });

    it("a token never exceeds its scopes, its maker's permissions, or its expiry", async () => {
      const narrow = await userWith(t.db, ["platform:tenants:read", "platform:tenants:write"], {
        scopes: ["platform:tenants:read"],
      });
      expect((await call("/tenants", { headers: narrow.auth })).status).toBe(200);
      const write = await call("/tenants", {
        method: "POST",
        headers: narrow.auth,
        json: onboarding("scoped"),
      });
      expect(write.status).toBe(403);

      // Scopes the maker does not hold (any more) do nothing.
      const overreach = await userWith(t.db, ["platform:tenants:read"], {
        scopes: ["platform:tenants:delete"],
      });
      expect(
        (await call("/tenants/authz?confirm=authz", { method: "DELETE", headers: overreach.auth })).status,
      ).toBe(403);

      const expired = await userWith(t.db, ["platform:admin"], { expired: true });
      expect((await call("/tenants", { headers: expired.auth })).status).toBe(401);
      expect((await call("/tenants", { headers: { authorization: "Bearer dmp_guessed" } })).status).toBe(401);
    });
  });

  describe("sessions and tokens", () => {
    it("binds a token made by a token to it, and shows and revokes only one's own tokens", async () => {
      const ci = await userWith(t.db, ["platform:tokens:write", "platform:tenants:read"]);
      const made = await call("/tokens", {
        method: "POST",
        headers: ci.auth,
        json: { name: "child", scopes: ["platform:tenants:read"], expiresInDays: 365 },
      });
      expect(made.status).toBe(201);
      const child = await made.json();
      // Its parent (the user's test token) expires in a day: so does the child.
      expect(new Date(child.expiresAt).getTime()).toBeLessThan(Date.now() + 2 * 86_400_000);
      const grandchild = await (
        await call("/tokens", {
          method: "POST",
          headers: { authorization: `Bearer ${child.token}` },
          json: { name: "grandchild", scopes: ["platform:tenants:read"] },
        })
      ).json();
      // The child has no tokens:write scope: it cannot make one.
      expect(grandchild.status).toBe(403);

      const other = await userWith(t.db, ["platform:tokens:write"]);
      const seen = await (await call("/tokens", { headers: other.auth })).json();
      expect(seen.items.map((x: { name: string }) => x.name)).not.toContain("child");
      expect((await call(`/tokens/${child.id}`, { method: "DELETE", headers: other.auth })).status).toBe(404);
      expect((await call("/tenants", { headers: { authorization: `Bearer ${child.token}` } })).status).toBe(
        200,
      );

      // Revoking the parent revokes what it made.
      const [parentRow] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, child.id));
      const revoke = await call(`/tokens/${parentRow?.parentTokenId}`, {
        method: "DELETE",
        headers: admin.auth,
      });
      expect(revoke.status).toBe(200);
      const [after] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, child.id));
      expect(after?.revokedAt).not.toBeNull();
      expect((await call("/tenants", { headers: { authorization: `Bearer ${child.token}` } })).status).toBe(
        401,
      );
    });

    it("refuses a change another site's page sends with the session cookie; a token is not ambient", async () => {
      await onboard("csrf-target");
      const login = await call("/auth/login", {
        method: "POST",
        json: { email: admin.email, password: admin.password },
      });
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const change = (headers: Record<string, string>) =>
        call("/tenants/csrf-target", {
          method: "PATCH",
          headers: { host: "api.test", ...headers },
          json: { seats: 6 },
        });
      // The reproduced attack: a page on a same-site origin (another localhost port) posts with the cookie.
      for (const forged of [
        { cookie, origin: "http://tenant.localhost:3000", "sec-fetch-site": "same-site" },
        { cookie, origin: "http://evil.example" },
        { cookie, "sec-fetch-site": "cross-site" },
      ] as Record<string, string>[]) {
        const res = await change(forged);
        expect(res.status, JSON.stringify(forged)).toBe(403);
        expect((await res.json()).detail).toMatch(/may not change anything/);
      }
      const crossLogin = await call("/auth/login", {
        method: "POST",
        headers: { origin: "http://evil.example" },
        json: { email: admin.email, password: admin.password },
      });
      expect(crossLogin.status).toBe(403);
      const [tenant] = await t.db.select().from(tenants).where(eq(tenants.slug, "csrf-target"));
      expect((tenant?.spec as { seats: number } | undefined)?.seats).toBe(5);
      // The admin app's own pages, through its proxy (which names its host), and a CI token.
      expect(
        (await change({ cookie, origin: "http://admin.test", "x-forwarded-host": "admin.test" })).status,
      ).toBe(202);
      expect((await change({ ...admin.auth, origin: "http://evil.example" })).status).toBe(202);
    });

    it("logs in with an HttpOnly cookie, knows the caller, and logs out on the server", async () => {
      const staff = await userWith(t.db, ["platform:tenants:read"]);
      const wrong = await call("/auth/login", {
        method: "POST",
        json: { email: staff.email, password: "not it" },
      });
      expect(wrong.status).toBe(401);
      const unknown = await call("/auth/login", {
        method: "POST",
        json: { email: "nobody@x.test", password: "x" },
      });
      expect(unknown.status).toBe(401);

      const login = await call("/auth/login", {
        method: "POST",
        json: { email: staff.email.toUpperCase(), password: staff.password },
      });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get("set-cookie") ?? "";
      // Host-only and Secure: no subdomain or plain-HTTP page can set or shadow it.
      expect(setCookie).toMatch(
        /^__Host-dotmac_session=dms_[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      );
      const cookie = setCookie.split(";")[0] as string;

      const me = await call("/auth/me", { headers: { cookie } });
      expect(await me.json()).toMatchObject({
        kind: "user",
        name: staff.email,
        permissions: ["platform:tenants:read"],
      });
      expect((await call("/tenants", { headers: { cookie } })).status).toBe(200);

      expect((await call("/auth/logout", { method: "POST", headers: { cookie } })).status).toBe(204);
      expect((await call("/auth/me", { headers: { cookie } })).status).toBe(401);
    });

    it("refuses an account's sign-ins for a while after ten wrong passwords, even the right one (429, Retry-After)", async () => {
      const target = await userWith(t.db, ["platform:tenants:read"]);
      const other = await userWith(t.db, ["platform:tenants:read"]);
      const attempt = (email: string, password: string) =>
        call("/auth/login", { method: "POST", json: { email, password } });
      for (let i = 0; i < 10; i++) expect((await attempt(target.email, `guess-${i}`)).status).toBe(401);
      const locked = await attempt(target.email.toUpperCase(), target.password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
      expect((await locked.json()).detail).toMatch(/too many failed sign-ins/);
      // Another account is not held back by it.
      expect((await attempt(other.email, other.password)).status).toBe(200);
    });

    it("redoes a password hash made under weaker parameters at the next good sign-in", async () => {
      const old = await userWith(t.db, ["platform:tenants:read"]);
      // The same password under weaker parameters than today's.
      const weaker = scryptCost() / 2;
      const salt = Buffer.from("saltsaltsaltsalt");
      const key = scryptSync(old.password, salt, 32, { N: weaker, r: 8, p: 1 });
      await t.db
        .update(platformUsers)
        .set({
          passwordHash: `scrypt$${weaker}$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`,
        })
        .where(eq(platformUsers.id, old.user.id));
      const login = await call("/auth/login", {
        method: "POST",
        json: { email: old.email, password: old.password },
      });
      expect(login.status).toBe(200);
      const [after] = await t.db.select().from(platformUsers).where(eq(platformUsers.id, old.user.id));
      expect(after?.passwordHash).toMatch(new RegExp(`^scrypt\\$${scryptCost()}\\$8\\$1\\$`));
      expect(
        (await call("/auth/login", { method: "POST", json: { email: old.email, password: old.password } }))
          .status,
      ).toBe(200);
    });

    it("shows a new token once, stores only its hash, refuses escalation, and revokes", async () => {
      const maker = await userWith(t.db, ["platform:tokens:write", "platform:tenants:read"]);
      const escalate = await call("/tokens", {
        method: "POST",
        headers: maker.auth,
        json: { name: "ci", scopes: ["platform:tenants:delete"] },
      });
      expect(escalate.status).toBe(403);
      expect((await escalate.json()).permission).toBe("platform:tenants:delete");

      const created = await call("/tokens", {
        method: "POST",
        headers: maker.auth,
        json: { name: "rollout", scopes: ["platform:tenants:read"], expiresInDays: 7 },
      });
      expect(created.status).toBe(201);
      const token = await created.json();
      expect(token.token).toMatch(/^dmp_/);
      expect(token.prefix).toBe(token.token.slice(0, 10));

      const listed = await (await call("/tokens", { headers: maker.auth })).text();
      expect(listed).not.toContain(token.token);
      const audit = JSON.stringify(await t.db.select().from(auditLogs));
      expect(audit).not.toContain(token.token);

      const ci = { authorization: `Bearer ${token.token}` };
      expect((await call("/tenants", { headers: ci })).status).toBe(200);
      expect((await call(`/tokens/${token.id}`, { method: "DELETE", headers: maker.auth })).status).toBe(200);
      expect((await call("/tenants", { headers: ci })).status).toBe(401);
    });
  });

  describe("tenants", () => {
    it("onboards: tenant provisioning, a queued create, the queue kicked, the action audited", async () => {
      const { operationId, tenantId } = await onboard("acme-fibre");
      expect(http.kicked).toContain(operationId);
      const [tenant] = await t.db.select().from(tenants).where(eq(tenants.id, tenantId));
      expect(tenant).toMatchObject({ slug: "acme-fibre", status: "provisioning", plan: "starter" });
      const [op] = await t.db.select().from(operations).where(eq(operations.id, operationId));
      expect(op).toMatchObject({ kind: "create", status: "queued" });
      expect(op?.requestedBy).toMatch(/^token:[0-9a-f-]{36}$/);
      const [entry] = await t.db
        .select()
        .from(auditLogs)
        .where(eq(auditLogs.targetId, tenantId))
        .orderBy(desc(auditLogs.id));
      expect(entry).toMatchObject({ action: "tenant.create", actorType: "token", targetType: "tenant" });
      expect(entry?.after).toMatchObject({ slug: "acme-fibre", operationId });

      const got = await (await call("/tenants/acme-fibre", { headers: admin.auth })).json();
      expect(got).toMatchObject({
        slug: "acme-fibre",
        status: "provisioning",
        lastOperation: { id: operationId, kind: "create" },
      });
    });

    it("returns the original operation for a repeated Idempotency-Key", async () => {
      const headers = { ...admin.auth, "idempotency-key": "ci-run-42" };
      const first = await call("/tenants", { method: "POST", headers, json: onboarding("idem") });
      const second = await call("/tenants", { method: "POST", headers, json: onboarding("idem") });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect((await second.json()).operationId).toBe((await first.json()).operationId);
    });

    it("refuses a key used before for another request, with a 422 naming it, changing nothing", async () => {
      const headers = { ...admin.auth, "idempotency-key": "ci-run-43" };
      expect((await call("/tenants", { method: "POST", headers, json: onboarding("idem-a") })).status).toBe(
        202,
      );
      const count = (await t.db.select().from(operations)).length;
      for (const [path, json] of [
        ["/tenants", onboarding("idem-b")],
        ["/tenants/idem-a", { seats: 7 }],
      ] as const) {
        const res = await call(path, { method: path === "/tenants" ? "POST" : "PATCH", headers, json });
        expect(res.status, path).toBe(422);
        expect((await res.json()).errors).toEqual([
          { path: "idempotency-key", message: "already used for a different request" },
        ]);
      }
      expect(await t.db.select().from(tenants).where(eq(tenants.slug, "idem-b"))).toHaveLength(0);
      expect((await t.db.select().from(operations)).length).toBe(count);
    });

    it("replays a repeated key on a fleet rollout, and concurrent duplicates get one operation", async () => {
      await onboard("idem-fleet");
      // A rollout token cannot send an image from anywhere into every tenant.
      const elsewhere = await call("/fleet/rollouts", {
        method: "POST",
        headers: admin.auth,
        json: { images: { ispOps: "evil.example/dotmac/isp-ops:1.0.0" } },
      });
      expect(elsewhere.status).toBe(400);
      expect((await elsewhere.json()).errors[0]).toMatchObject({ path: "images.ispOps" });
      const headers = { ...admin.auth, "idempotency-key": "rollout-7" };
      const json = { plan: "starter", tenants: ["idem-fleet"] };
      const first = await call("/fleet/rollouts", { method: "POST", headers, json });
      const again = await call("/fleet/rollouts", { method: "POST", headers, json });
      expect([first.status, again.status]).toEqual([202, 202]);
      expect((await again.json()).operationId).toBe((await first.json()).operationId);

      const race = { ...admin.auth, "idempotency-key": "patch-race" };
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          call("/tenants/idem-fleet", { method: "PATCH", headers: race, json: { seats: 8 } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
      const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).operationId)));
      expect(ids.size).toBe(1);
    });

    it("gives each host name to one live tenant: custom domains and app hosts alike", async () => {
      const custom = (slug: string, customDomains: string[], extra = {}) =>
        call("/tenants", {
          method: "POST",
          headers: admin.auth,
          json: { ...onboarding(slug), customDomains, ...extra },
        });
      expect((await custom("host-a", ["ops.alpha.example"])).status).toBe(202);
      const clash = await custom("host-b", ["portal.beta.example", "ops.alpha.example"]);
      expect(clash.status).toBe(409);
      expect((await clash.json()).errors).toEqual([
        { path: "customDomains.1", message: "already served by tenant host-a" },
      ]);
      // Another base domain does not make host-a's own address free to claim.
      const appHost = await custom("host-c", ["host-a.isp.dotmac.io"], { baseDomain: "other.example" });
      expect(appHost.status).toBe(409);
      expect(await t.db.select().from(tenants).where(eq(tenants.slug, "host-b"))).toHaveLength(0);

      expect((await custom("host-b", ["portal.beta.example"])).status).toBe(202);
      const patch = await call("/tenants/host-b", {
        method: "PATCH",
        headers: admin.auth,
        json: { customDomains: ["ops.alpha.example"] },
      });
      expect(patch.status).toBe(409);
      // Two claims at once: one wins.
      const racing = await Promise.all(["host-d", "host-e"].map((s) => custom(s, ["shared.race.example"])));
      expect(racing.map((r) => r.status).sort()).toEqual([202, 409]);
      // A deleted tenant's names are free again.
      await t.db.update(tenants).set({ status: "deleted" }).where(eq(tenants.slug, "host-a"));
      expect((await custom("host-f", ["ops.alpha.example"])).status).toBe(202);
    });

    it("runs one preview of a tenant at a time: another waits its turn with a 429 and Retry-After", async () => {
      await onboard("preview-once");
      const first = await call("/tenants/preview-once/preview", {
        method: "POST",
        headers: admin.auth,
        json: { seats: 6 },
      });
      expect(first.status).toBe(202);
      const second = await call("/tenants/preview-once/preview", {
        method: "POST",
        headers: admin.auth,
        json: { seats: 6 },
      });
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBe("5");
      expect((await second.json()).detail).toContain((await first.json()).operationId);
    });

    it("two concurrent onboardings of one slug: exactly one 202 and one 409 naming the slug", async () => {
      const results = await Promise.all([
        call("/tenants", { method: "POST", headers: admin.auth, json: onboarding("race") }),
        call("/tenants", { method: "POST", headers: admin.auth, json: onboarding("race") }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
      const conflict = results.find((r) => r.status === 409);
      expect((await conflict?.json())?.errors).toEqual([
        { path: "slug", message: "already taken by another tenant" },
      ]);
      expect(await t.db.select().from(tenants).where(eq(tenants.slug, "race"))).toHaveLength(1);
    });

    it("previews an onboarding only for a free slug, and queues it without a tenant", async () => {
      await onboard("taken-isp");
      const taken = await call("/tenants/preview", {
        method: "POST",
        headers: admin.auth,
        json: onboarding("taken-isp"),
      });
      expect(taken.status).toBe(409);
      expect((await taken.json()).errors).toEqual([
        { path: "slug", message: "already taken by another tenant" },
      ]);
      const fresh = await call("/tenants/preview", {
        method: "POST",
        headers: admin.auth,
        json: onboarding("new-isp"),
      });
      expect(fresh.status).toBe(202);
      const { operationId, tenantId } = await fresh.json();
      expect(tenantId).toBeNull();
      const [op] = await t.db.select().from(operations).where(eq(operations.id, operationId));
      expect(op).toMatchObject({ kind: "preview", tenantId: null, status: "queued" });
      expect(await t.db.select().from(tenants).where(eq(tenants.slug, "new-isp"))).toHaveLength(0);
    });

    it("lists with filters, search and cursor pagination", async () => {
      for (const slug of ["page-a", "page-b", "page-c"]) await onboard(slug);
      const first = await (await call("/tenants?q=page-&limit=2", { headers: admin.auth })).json();
      expect(first.items.map((i: { slug: string }) => i.slug)).toEqual(["page-c", "page-b"]);
      const second = await (
        await call(`/tenants?q=page-&limit=2&cursor=${first.nextCursor}`, { headers: admin.auth })
      ).json();
      expect(second.items.map((i: { slug: string }) => i.slug)).toEqual(["page-a"]);
      expect(second.nextCursor).toBeNull();
      const none = await (await call("/tenants?plan=enterprise", { headers: admin.auth })).json();
      expect(none.items).toEqual([]);
      expect((await call("/tenants?status=sleeping", { headers: admin.auth })).status).toBe(400);
      expect((await call("/tenants?cursor=garbage", { headers: admin.auth })).status).toBe(400);
    });

    it("patches through the spec's rules and refuses a change the plan cannot hold", async () => {
      await onboard("patchy");
      const tooMany = await call("/tenants/patchy", {
        method: "PATCH",
        headers: admin.auth,
        json: { seats: 100 },
      });
      expect(tooMany.status).toBe(400);
      expect((await tooMany.json()).errors).toEqual([
        { path: "seats", message: "the starter plan allows at most 25 seats" },
      ]);
      const empty = await call("/tenants/patchy", { method: "PATCH", headers: admin.auth, json: {} });
      expect(empty.status).toBe(400);

      const ok = await call("/tenants/patchy", {
        method: "PATCH",
        headers: admin.auth,
        json: { plan: "professional", seats: 100 },
      });
      expect(ok.status).toBe(202);
      const [tenant] = await t.db.select().from(tenants).where(eq(tenants.slug, "patchy"));
      expect(tenant?.plan).toBe("professional");
      const licence = await (await call("/tenants/patchy/licence", { headers: admin.auth })).json();
      expect(licence.seats).toBe(100);
    });

    it("allows only the lifecycle transitions that make sense", async () => {
      await onboard("cycle");
      // Still provisioning: neither suspend nor resume.
      expect((await call("/tenants/cycle/suspend", { method: "POST", headers: admin.auth })).status).toBe(
        409,
      );
      await t.db.update(tenants).set({ status: "active" }).where(eq(tenants.slug, "cycle"));
      expect((await call("/tenants/cycle/resume", { method: "POST", headers: admin.auth })).status).toBe(409);
      expect((await call("/tenants/cycle/suspend", { method: "POST", headers: admin.auth })).status).toBe(
        202,
      );
      expect((await call("/tenants/nobody/suspend", { method: "POST", headers: admin.auth })).status).toBe(
        404,
      );
    });

    it("deletes only with the slug typed again", async () => {
      await onboard("doomed");
      const unconfirmed = await call("/tenants/doomed?confirm=doom", {
        method: "DELETE",
        headers: admin.auth,
      });
      expect(unconfirmed.status).toBe(400);
      expect((await unconfirmed.json()).errors).toEqual([{ path: "confirm", message: "must be doomed" }]);
      const res = await call("/tenants/doomed?confirm=doomed", { method: "DELETE", headers: admin.auth });
      expect(res.status).toBe(202);
      const [tenant] = await t.db.select().from(tenants).where(eq(tenants.slug, "doomed"));
      expect(tenant?.status).toBe("deleting");
      expect(
        (await call("/tenants/doomed?confirm=doomed", { method: "DELETE", headers: admin.auth })).status,
      ).toBe(409);
    });

    it("cancels a queued create: it never runs and its tenant is failed, not stuck provisioning", async () => {
      const { operationId, tenantId } = await onboard("never");
      const res = await call(`/operations/${operationId}/cancel`, { method: "POST", headers: admin.auth });
      expect(res.status).toBe(202);
      expect((await res.json()).status).toBe("cancelled");
      const [tenant] = await t.db.select().from(tenants).where(eq(tenants.id, tenantId));
      expect(tenant?.status).toBe("failed");
      expect(
        (await call(`/operations/${operationId}/cancel`, { method: "POST", headers: admin.auth })).status,
      ).toBe(409);
    });
  });

  describe("flags, licences, audit", () => {
    it("evaluates a tenant's flags: its override, else the global value", async () => {
      await onboard("flagged");
      await onboard("plain");
      for (const [path, enabled] of [
        ["/flags/newBilling", true],
        ["/flags/darkMode", false],
        ["/tenants/flagged/flags/newBilling", false],
        ["/tenants/flagged/flags/darkMode", true],
      ] as const) {
        expect((await call(path, { method: "PUT", headers: admin.auth, json: { enabled } })).status).toBe(
          200,
        );
      }
      const flagged = await (await call("/flags/evaluate?tenant=flagged", { headers: admin.auth })).json();
      expect(flagged.flags).toMatchObject({ newBilling: false, darkMode: true });
      const plain = await (await call("/flags/evaluate?tenant=plain", { headers: admin.auth })).json();
      expect(plain.flags).toMatchObject({ newBilling: true, darkMode: false });

      expect(
        (await call("/tenants/flagged/flags/darkMode", { method: "DELETE", headers: admin.auth })).status,
      ).toBe(204);
      const after = await (await call("/flags/evaluate?tenant=flagged", { headers: admin.auth })).json();
      expect(after.flags.darkMode).toBe(false);
      expect(
        (await call("/flags/Bad Key!", { method: "PUT", headers: admin.auth, json: { enabled: true } }))
          .status,
      ).toBe(400);
    });

    it("keeps licences within the plan", async () => {
      await onboard("licensed");
      const over = await call("/tenants/licensed/licence", {
        method: "PUT",
        headers: admin.auth,
        json: { seats: 26 },
      });
      expect(over.status).toBe(400);
      const ok = await call("/tenants/licensed/licence", {
        method: "PUT",
        headers: admin.auth,
        json: { seats: 20, validUntil: "2027-12-31T00:00:00Z" },
      });
      expect(await ok.json()).toMatchObject({ seats: 20, validUntil: "2027-12-31T00:00:00.000Z" });
      // One seat number: the tenant's spec says what its licence says.
      const tenant = await (await call("/tenants/licensed", { headers: admin.auth })).json();
      expect(tenant.spec.seats).toBe(20);
    });

    it("audits every mutation with actor, action, target, before and after, and filters them", async () => {
      const auditor = await userWith(t.db, ["platform:audit:read"]);
      const res = await call("/audit?action=licence.set", { headers: auditor.auth });
      const body = await res.json();
      expect(body.items[0]).toMatchObject({
        action: "licence.set",
        actorType: "token",
        targetType: "tenant",
        before: { seats: 5 },
        after: { seats: 20 },
      });
      const byTenant = await (await call("/audit?tenant=licensed", { headers: auditor.auth })).json();
      expect(byTenant.items.map((e: { action: string }) => e.action).sort()).toEqual([
        "licence.set",
        "tenant.create",
      ]);
    });
  });

  it("names each request with an id of its own, whatever the caller sends", async () => {
    const res = await call("/tenants/rid-probe/suspend", {
      method: "POST",
      headers: { ...admin.auth, "x-request-id": "chosen-by-the-caller" },
    });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json()).instance ?? id).not.toContain("chosen-by-the-caller");
  });

  it("answers health, readiness and Prometheus metrics without credentials", async () => {
    expect((await raw("/healthz")).status).toBe(200);
    expect(await (await raw("/readyz")).json()).toEqual({ status: "ready" });
    await call("/tenants", { headers: admin.auth });
    const metrics = await (await raw("/metrics")).text();
    expect(metrics).toMatch(
      /dotmac_api_http_request_duration_seconds_count\{method="GET",route="\/api\/platform\/v1\/tenants",status="200"\} [1-9]/,
    );
    expect(metrics).toMatch(/process_cpu_seconds_total/);
  });

  it("serves the typed client the admin app and CI scripts use", async () => {
    const client = platformClient("http://api.test", {
      token: admin.token,
      fetch: ((input: string | Request | URL, init?: RequestInit) =>
        http.app.request(input instanceof URL ? input.href : input, init)) as typeof fetch,
    });
    const me = await client.auth.me.$get();
    expect(me.status).toBe(200);
    if (me.status === 200) expect((await me.json()).permissions).toEqual(["platform:admin"]);
    const page = await client.tenants.$get({ query: { limit: "2", plan: "starter" } });
    expect(page.status).toBe(200);
    if (page.status === 200) {
      const body = await page.json();
      expect(body.items).toHaveLength(2);
      expect(body.items[0]?.plan).toBe("starter");
      expect(typeof body.nextCursor).toBe("string");
    }
    const missing = await client.tenants[":slug"].$get({ param: { slug: "no-such-isp" } });
    expect(missing.status).toBe(404);
  });

  it("implements every route of the contract package, and none beside it", async () => {
    const doc = (await (await raw("/openapi.json")).json()) as { paths: Record<string, object> };
    const served = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(base))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path.slice(base.length)}`));
    const declared = Object.values(contract).flatMap((module) =>
      Object.values(module as Record<string, { method: string; path: string }>).map(
        (r) => `${r.method} ${r.path}`,
      ),
    );
    expect(served.length).toBeGreaterThan(25);
    expect(served.sort()).toEqual(declared.sort());
  });

  it("publishes OpenAPI 3.1 and a reference page served from this host", async () => {
    const doc = await (await raw("/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([`${base}/tenants`, `${base}/tenants/{slug}`, `${base}/operations/{id}/events`]),
    );
    const page = await (await raw("/reference")).text();
    expect(page).not.toMatch(/https?:\/\//);
    const bundle = await raw("/reference/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
  });
});
