// Long file: a tenant's credential walked through everything it may and may not do, on one database, each case building on the tenants before it.
import { auditLogs, licences, operations, tenantCredentials, tenants } from "@dotmac/platform-db";
import { and, desc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantCredential } from "../src/services/tenant-credentials.ts";
import { jsonHeaders, startTestDb, type TestDb, testApp, userWith } from "./harness.ts";

const base = "/api/platform/v1";

/**
 * What a tenant's isp-ops holds, and what it may do with it: report its NAS networks and read its
 * own entitlements, nothing else.
 */
describe("tenant credentials and NAS networks (real database, no stacks run)", () => {
  let t: TestDb;
  let http: ReturnType<typeof testApp>;
  let admin: Awaited<ReturnType<typeof userWith>>;
  const ids: Record<string, string> = {};

  const call = async (path: string, init: RequestInit & { json?: unknown; token?: string } = {}) => {
    const { json, token, ...rest } = init;
    const res = await http.app.request(`${base}${path}`, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      headers: jsonHeaders({ authorization: `Bearer ${token ?? admin.token}` }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const report = (slug: string, nasCidrs: unknown, token: string) =>
    call(`/tenants/${slug}/nas-networks`, { method: "PUT", json: { nasCidrs }, token });
  const specOf = async (slug: string) =>
    ((await t.db.select().from(tenants).where(eq(tenants.slug, slug)))[0]?.spec ?? {}) as {
      nasCidrs?: string[];
    };
  const operationCount = async () => (await t.db.select().from(operations)).length;

  beforeAll(async () => {
    t = await startTestDb();
    http = testApp(t.db);
    admin = await userWith(t.db, ["platform:admin"]);
    for (const slug of ["west-fibre", "east-fibre"]) {
      const res = await call("/tenants", {
        method: "POST",
        json: { slug, displayName: slug, plan: "starter", seats: 5 },
      });
      expect(res.status).toBe(202);
      ids[slug] = res.body.tenantId;
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("keeps a live credential, and replaces a stale or missing one, revoking and auditing", async () => {
    const first = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    expect(first).toMatch(/^dmt_/);
    expect(await tenantCredential(t.db, ids["west-fibre"] as string, first)).toBe(first);
    // Another tenant's credential is no credential of this one's.
    const east = await tenantCredential(t.db, ids["east-fibre"] as string, undefined);
    const second = await tenantCredential(t.db, ids["west-fibre"] as string, east);
    expect(second).not.toBe(first);
    expect(await tenantCredential(t.db, ids["east-fibre"] as string, east)).toBe(east);

    expect((await report("west-fibre", [], first)).status).toBe(401);
    const rows = await t.db.select().from(tenantCredentials);
    // Only hashes are kept.
    expect(JSON.stringify(rows)).not.toContain(second.slice(4));
    expect(
      rows.filter((r) => r.tenantId === ids["west-fibre"] && r.revokedAt === null).map((r) => r.prefix),
    ).toEqual([second.slice(0, 10)]);
    const issued = await t.db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.action, "tenant.credential.issue"),
          eq(auditLogs.targetId, ids["west-fibre"] as string),
        ),
      )
      .orderBy(desc(auditLogs.id));
    expect(issued).toHaveLength(2);
    expect(issued[0]).toMatchObject({ actorType: "system", before: { revoked: [expect.any(String)] } });
    expect(JSON.stringify(issued)).not.toContain(second.slice(4));
  });

  it("reports its own tenant's NAS networks: an update queued and audited once, a repeat changes nothing", async () => {
    const token = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    const before = await operationCount();
    const res = await report("west-fibre", ["198.51.100.0/24", "192.0.2.0/24", "192.0.2.0/24"], token);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      nasCidrs: ["192.0.2.0/24", "198.51.100.0/24"],
      operationId: expect.any(String),
    });
    expect((await specOf("west-fibre")).nasCidrs).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
    const [op] = await t.db.select().from(operations).where(eq(operations.id, res.body.operationId));
    expect(op).toMatchObject({
      kind: "update",
      status: "queued",
      requestedBy: expect.stringMatching(/^tenant:/),
    });
    expect(http.kicked).toContain(res.body.operationId);
    const [entry] = await t.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.action, "tenant.update"))
      .orderBy(desc(auditLogs.id))
      .limit(1);
    expect(entry).toMatchObject({
      actorType: "tenant",
      targetId: ids["west-fibre"],
      before: { nasCidrs: [] },
      after: { nasCidrs: ["192.0.2.0/24", "198.51.100.0/24"] },
    });

    const again = await report("west-fibre", ["198.51.100.0/24", "192.0.2.0/24"], token);
    expect(again).toEqual({
      status: 200,
      body: { nasCidrs: ["192.0.2.0/24", "198.51.100.0/24"], operationId: null },
    });
    expect(await operationCount()).toBe(before + 1);
  });

  it("acts on no other tenant, and on nothing else at all", async () => {
    const token = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    const before = await operationCount();
    const other = await report("east-fibre", ["203.0.113.0/24"], token);
    const missing = await report("no-such-isp", ["203.0.113.0/24"], token);
    // Whether another tenant exists is not for it to learn: both answers are the same.
    const { instance: _a, ...otherAnswer } = other.body;
    const { instance: _b, ...missingAnswer } = missing.body;
    expect(otherAnswer).toEqual(missingAnswer);
    expect(other.status).toBe(403);
    expect(missing.status).toBe(403);
    expect((await specOf("east-fibre")).nasCidrs).toEqual([]);

    expect((await call("/tenants", { token })).status).toBe(403);
    expect((await call("/tenants/west-fibre", { token })).status).toBe(403);
    expect((await call("/tenants/west-fibre", { method: "PATCH", json: { seats: 6 }, token })).status).toBe(
      403,
    );
    expect(
      (await call("/tokens", { method: "POST", json: { name: "x", scopes: ["platform:admin"] }, token }))
        .status,
    ).toBe(403);
    expect((await call("/auth/me", { token })).body).toMatchObject({
      kind: "tenant",
      name: "tenant west-fibre",
      permissions: ["platform:tenants:nas:write", "platform:tenants:entitlements:read"],
    });
    expect(await operationCount()).toBe(before);
  });

  it("reads its own entitlements: flags over the plan's features, plan and licence; no other tenant's", async () => {
    const token = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    const entitlements = (slug = "west-fibre") => call(`/tenants/${slug}/entitlements`, { token });
    const flag = (path: string, enabled: boolean) =>
      call(path, { method: "PUT", json: { enabled }, token: admin.token });
    expect(await entitlements()).toEqual({
      status: 200,
      body: {
        tenant: "west-fibre",
        plan: "starter",
        flags: { customerPortal: true },
        licence: expect.anything(),
        admin: null,
      },
    });
    // The kill switch for every tenant, then one tenant let back in, and another flag beside.
    expect((await flag("/flags/customerPortal", false)).status).toBe(200);
    expect((await flag("/flags/newInvoiceLayout", true)).status).toBe(200);
    expect((await entitlements()).body.flags).toEqual({ customerPortal: false, newInvoiceLayout: true });
    expect((await flag("/tenants/west-fibre/flags/customerPortal", true)).status).toBe(200);
    expect((await entitlements()).body.flags).toEqual({ customerPortal: true, newInvoiceLayout: true });
    // No flag gives a tenant a feature its spec leaves out.
    const [west] = await t.db.select().from(tenants).where(eq(tenants.slug, "west-fibre"));
    await t.db
      .update(tenants)
      .set({ spec: { ...(west?.spec as object), features: ["radius"] } })
      .where(eq(tenants.slug, "west-fibre"));
    expect((await entitlements()).body.flags.customerPortal).toBe(false);
    await t.db.update(tenants).set({ spec: west?.spec }).where(eq(tenants.slug, "west-fibre"));
    // What an admin's flag page shows for the tenant is what the tenant reads.
    const evaluated = await call("/flags/evaluate?tenant=west-fibre", { token: admin.token });
    expect(evaluated.body.flags).toEqual((await entitlements()).body.flags);

    await t.db
      .update(licences)
      .set({ seats: 4, validUntil: new Date("2027-03-31T00:00:00Z") })
      .where(eq(licences.tenantId, ids["west-fibre"] as string));
    expect((await entitlements()).body.licence).toEqual({ seats: 4, validUntil: "2027-03-31T00:00:00.000Z" });

    const other = await entitlements("east-fibre");
    const missing = await entitlements("no-such-isp");
    expect([other.status, missing.status]).toEqual([403, 403]);
    expect(other.body.detail).toBe(missing.body.detail);
    expect((await call("/tenants/east-fibre/entitlements", { token: admin.token })).status).toBe(200);
    await call("/flags/customerPortal", { method: "PUT", json: { enabled: true }, token: admin.token });
  });

  it("names the admin to invite, and asks again on a resend; a tenant naming none has none to send", async () => {
    const admin = { name: "Ada Owner", email: "ada@north-fibre.test" };
    const onboarded = await call("/tenants", {
      method: "POST",
      json: { slug: "north-fibre", displayName: "North", plan: "starter", seats: 5, admin },
    });
    expect(onboarded.status).toBe(202);
    const token = await tenantCredential(t.db, onboarded.body.tenantId, undefined);
    const first = (await call("/tenants/north-fibre/entitlements", { token })).body.admin;
    expect(first).toEqual({ ...admin, invitedAt: expect.any(String) });

    // The tenant's own credential cannot send invitations; an admin can.
    expect((await call("/tenants/north-fibre/admin-invitation", { method: "POST", token })).status).toBe(403);
    const resent = await call("/tenants/north-fibre/admin-invitation", { method: "POST" });
    expect(resent.status).toBe(202);
    const second = (await call("/tenants/north-fibre/entitlements", { token })).body.admin;
    expect(new Date(second.invitedAt).getTime()).toBeGreaterThan(new Date(first.invitedAt).getTime());
    expect(second.invitedAt).toBe(resent.body.invitedAt);
    const [entry] = await t.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.action, "tenant.admin.invite"))
      .orderBy(desc(auditLogs.id))
      .limit(1);
    expect(entry).toMatchObject({ actorType: "token", after: { email: admin.email } });

    const none = await call("/tenants/west-fibre/admin-invitation", { method: "POST" });
    expect(none.status).toBe(409);
    expect(none.body.detail).toMatch(/names no admin/);
    const malformed = await call("/tenants", {
      method: "POST",
      json: {
        slug: "bad-admin",
        displayName: "x",
        plan: "starter",
        seats: 1,
        admin: { name: "", email: "ada@" },
      },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "admin.email",
      "admin.name",
    ]);
  });

  it("widens a live credential issued with fewer scopes, keeping its secret", async () => {
    const token = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    await t.db
      .update(tenantCredentials)
      .set({ scopes: ["platform:tenants:nas:write"] })
      .where(eq(tenantCredentials.prefix, token.slice(0, 10)));
    expect(await tenantCredential(t.db, ids["west-fibre"] as string, token)).toBe(token);
    const [row] = await t.db
      .select()
      .from(tenantCredentials)
      .where(eq(tenantCredentials.prefix, token.slice(0, 10)));
    expect(row?.scopes).toEqual(["platform:tenants:nas:write", "platform:tenants:entitlements:read"]);
    const [entry] = await t.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.action, "tenant.credential.scopes"))
      .orderBy(desc(auditLogs.id))
      .limit(1);
    expect(entry).toMatchObject({ actorType: "system", after: { credentialId: row?.id } });
  });

  it("refuses a network that is not a CIDR with a 400 naming it, changing nothing", async () => {
    const token = await tenantCredential(t.db, ids["west-fibre"] as string, undefined);
    const before = await specOf("west-fibre");
    const count = await operationCount();
    const bad = await report("west-fibre", ["192.0.2.0/24", "10.0.0.0/33", "not-a-network"], token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["nasCidrs.1", "nasCidrs.2"]);
    // The same rule where an admin changes them (the tenant page) or onboards a tenant (the wizard).
    const patch = await call("/tenants/west-fibre", { method: "PATCH", json: { nasCidrs: ["10.1.2.3"] } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([
      { path: "nasCidrs.0", message: "expected a CIDR such as 10.20.0.0/16 or 2001:db8::/32" },
    ]);
    const onboard = await call("/tenants", {
      method: "POST",
      json: { slug: "bad-nas", displayName: "x", plan: "starter", seats: 1, nasCidrs: ["300.1.1.0/24"] },
    });
    expect(onboard.status).toBe(400);
    expect(onboard.body.errors.map((e: { path: string }) => e.path)).toEqual(["nasCidrs.0"]);
    expect(await specOf("west-fibre")).toEqual(before);
    expect(await operationCount()).toBe(count);
  });

  it("stops working when its tenant is deleted", async () => {
    const token = await tenantCredential(t.db, ids["east-fibre"] as string, undefined);
    expect((await report("east-fibre", [], token)).status).toBe(200);
    await t.db
      .update(tenants)
      .set({ status: "deleted" })
      .where(eq(tenants.id, ids["east-fibre"] as string));
    // At once: no live tenant to act on. Once replicas' credential caches (5 s) have let go: unknown.
    expect((await report("east-fibre", [], token)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await report("east-fibre", [], token)).status).toBe(401);
    const live = await t.db
      .select()
      .from(tenantCredentials)
      .where(
        and(eq(tenantCredentials.tenantId, ids["east-fibre"] as string), isNull(tenantCredentials.revokedAt)),
      );
    expect(live).toHaveLength(1);
  });
});
