import { auditLogs } from "@dotmac/tenant-db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, PASSWORD, startApi } from "./harness.ts";

describe("the tenant's audit log in isp-ops", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let clerk: Record<string, string>;
  const audit = (query = "") => h.call(`/audit${query}`, { cookie: h.admin });
  const actions = (body: Json) => (body.items as { action: string }[]).map((e) => e.action);

  beforeAll(async () => {
    h = await startApi();
    // One entry from last year, to filter by day.
    await h.db.insert(auditLogs).values({
      at: new Date("2025-06-01T12:00:00Z"),
      actorType: "system",
      actorId: "system",
      action: "billing.run",
      targetType: "billing_run",
    });
    clerk = await h.staffWith("clerk", ["customers:write", "customers:read"]);
    const plan = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: { name: "Fibre 50", downloadKbps: 50_000, uploadKbps: 10_000, priceMinor: 1999, currency: "EUR" },
    });
    expect(plan.status).toBe(201);
    for (const name of ["Ada", "Grace"]) {
      const created = await h.call("/subscribers", {
        method: "POST",
        cookie: clerk,
        json: {
          name,
          serviceAddress: "1 Audit Lane",
          username: `${name.toLowerCase()}-${Date.now()}`,
          password: "router-pass",
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const wrong = await h.call("/auth/login", {
      method: "POST",
      json: { email: "clerk@isp.test", password: `${PASSWORD}!` },
    });
    expect(wrong.status).toBe(401);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("lists entries newest first, naming staff by e-mail", async () => {
    const res = await audit();
    expect(res.status).toBe(200);
    const all = actions(res.body);
    expect(all.slice(0, 3)).toEqual(["staff.login_failed", "subscriber.create", "subscriber.create"]);
    expect(all.indexOf("billing.run")).toBeGreaterThan(all.indexOf("plan.create"));
    const created = res.body.items.find((e: Json) => e.action === "subscriber.create");
    expect(created).toMatchObject({
      actorType: "staff",
      actorEmail: "clerk@isp.test",
      targetType: "subscriber",
    });
    expect(created.after).toMatchObject({ name: "Grace" });
    const ids = res.body.items.map((e: Json) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("filters by who (e-mail in any case, or an actor's id), by action or its start, and by day", async () => {
    const byClerk = await audit("?actor=CLERK@isp.test");
    expect(new Set(actions(byClerk.body))).toEqual(new Set(["subscriber.create", "staff.login"]));
    const system = await audit("?actor=system");
    expect(actions(system.body)).toContain("billing.run");
    expect(actions((await audit("?action=subscriber.")).body)).toEqual([
      "subscriber.create",
      "subscriber.create",
    ]);
    expect(actions((await audit("?action=plan.create")).body)).toEqual(["plan.create"]);
    // A wildcard in the filter is a character, not a pattern.
    expect((await audit("?action=%25")).body.items).toEqual([]);
    expect(actions((await audit("?from=2025-06-01&to=2025-06-01")).body)).toEqual(["billing.run"]);
    expect(actions((await audit("?to=2025-05-31")).body)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(actions((await audit(`?from=${today}`)).body)).not.toContain("billing.run");
  });

  it("pages with a cursor, each entry once", async () => {
    const total = (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditLogs))[0]?.n ?? 0;
    const seen: number[] = [];
    let query = "?limit=2";
    for (let pages = 0; pages < 100; pages++) {
      const res = await audit(query);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((e: Json) => e.id));
      if (res.body.nextCursor === null) break;
      query = `?limit=2&before=${res.body.nextCursor}`;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("refuses a malformed filter with the field named, and staff without settings:write", async () => {
    const bad = await audit("?from=2026-13-01&limit=0");
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["from", "limit"]);
    expect((await h.call("/audit", { cookie: clerk })).status).toBe(403);
    expect((await h.call("/audit")).status).toBe(401);
  });
});
