import { accountingSessions, dunningStates, servicePlans } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, startApi } from "./harness.ts";
import { CUSTOMER_PASSWORD, signedInCustomer } from "./portal-customers.ts";

const GB = 1e9;

describe("the customer portal's usage", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let planId: string;
  let nasId: string;
  let ada: Awaited<ReturnType<typeof signedInCustomer>>;
  let alan: Awaited<ReturnType<typeof signedInCustomer>>;
  const portal = (path: string, cookie: Record<string, string>) => h.call(`/portal${path}`, { cookie });
  const standing = async (id: string) =>
    (
      await h.db.$client<
        { refusal: string | null }[]
      >`select refusal from radius_standing where subscriber_id = ${id}`
    )[0]?.refusal;
  /** A session that began `at` (SQL), with what the NAS sent the subscriber (down) and received (up). */
  const session = (id: string, at: string, down: number, up: number) =>
    h.db.insert(accountingSessions).values({
      nasId,
      acctSessionId: `use-${crypto.randomUUID()}`,
      subscriberId: id,
      username: id,
      nasIp: "192.0.2.1",
      startedAt: sql.raw(at),
      updatedAt: new Date(),
      outputOctets: down,
      inputOctets: up,
    });
  beforeAll(async () => {
    h = await startApi();
    const plan = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: {
        name: "Capped 10 GB",
        downloadKbps: 50_000,
        uploadKbps: 10_000,
        dataCapBytes: 10 * GB,
        priceMinor: 1999,
        currency: "EUR",
      },
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    planId = plan.body.id;
    const nas = await h.call("/nas", {
      method: "POST",
      cookie: h.admin,
      json: { name: "olt-usage", network: "192.0.2.0/30", secret: "nas-usage-shared-secret" },
    });
    nasId = nas.body.id;
    ada = await signedInCustomer(h, "Ada", "ada@usage.test", planId);
    alan = await signedInCustomer(h, "Alan", "alan@usage.test", planId);
  });
  afterAll(async () => h?.stop());

  it("shows the cap's period day by day, and the cap reached exactly when RADIUS starts refusing", async () => {
    // Last period's traffic counts for nothing; a session counts on the day it began.
    await session(ada.id, "date_trunc('month', now()) - interval '1 second'", 50 * GB, 0);
    await session(ada.id, "date_trunc('month', now())", 4 * GB, 1 * GB);
    const [clock] = await h.db.$client<{ start: string; end: string; days: number }[]>`
      select to_char(date_trunc('month', now()), 'YYYY-MM-DD') as start,
             to_char(date_trunc('month', now()) + interval '1 month', 'YYYY-MM-DD') as end,
             extract(day from now())::int as days`;
    const usage = await portal("/usage", ada.cookie);
    expect(usage.status, JSON.stringify(usage.body)).toBe(200);
    expect(usage.body).toMatchObject({
      periodStart: clock?.start,
      periodEnd: clock?.end,
      capBytes: 10 * GB,
      capMode: "hard",
      usedBytes: 5 * GB,
      capReached: false,
    });
    // Every day of the period so far, the first with the traffic.
    expect(usage.body.days).toHaveLength(clock?.days ?? 0);
    expect(usage.body.days[0]).toEqual({ day: clock?.start, downloadBytes: 4 * GB, uploadBytes: 1 * GB });
    expect(usage.body.days.slice(1).every((d: Json) => d.downloadBytes + d.uploadBytes === 0)).toBe(true);
    expect(await standing(ada.id)).toBeNull();

    await session(ada.id, "now()", 5 * GB - 1, 0);
    expect((await portal("/usage", ada.cookie)).body.capReached).toBe(false);
    expect(await standing(ada.id)).toBeNull();
    await session(ada.id, "now()", 1, 0);
    expect((await portal("/usage", ada.cookie)).body).toMatchObject({ usedBytes: 10 * GB, capReached: true });
    expect(await standing(ada.id)).toBe("data cap reached");

    // A soft cap is passed, never reached: RADIUS keeps accepting.
    await h.db.update(servicePlans).set({ capMode: "soft" }).where(eq(servicePlans.id, planId));
    expect((await portal("/usage", ada.cookie)).body).toMatchObject({ capMode: "soft", capReached: false });
    expect(await standing(ada.id)).toBeNull();
    await h.db.update(servicePlans).set({ capMode: "hard" }).where(eq(servicePlans.id, planId));
  });

  it("shows each subscriber only their own traffic, and why the connection is held", async () => {
    const own = (await portal("/usage", alan.cookie)).body;
    expect(own).toMatchObject({ usedBytes: 0, capReached: false });
    expect((await h.call("/portal/usage")).status).toBe(401);
    expect((await portal("/usage", h.admin)).status).toBe(401);

    expect((await portal("/service", alan.cookie)).body.walledGardenSince).toBeNull();
    await h.db.insert(dunningStates).values({ subscriberId: alan.id, walledGardenSince: sql`now()` });
    const held = await portal("/service", alan.cookie);
    expect(held.status).toBe(200);
    expect(Date.parse(held.body.walledGardenSince)).toBeGreaterThan(Date.now() - 60_000);
    expect((await portal("/service", ada.cookie)).body.walledGardenSince).toBeNull();

    // Suspended for not paying, they still sign in and see what they owe (paying is how it ends).
    const suspended = await h.call(`/subscribers/${alan.id}/status`, {
      method: "POST",
      cookie: h.admin,
      json: { to: "suspended", reason: "invoice unpaid" },
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    const again = await h.call("/portal/auth/login", {
      method: "POST",
      json: { identifier: "alan@usage.test", password: CUSTOMER_PASSWORD },
    });
    expect(again.status).toBe(200);
    const cookie = { cookie: (again.setCookie ?? "").split(";")[0] ?? "" };
    expect((await portal("/service", cookie)).body.status).toBe("suspended");
    expect((await portal("/invoices", cookie)).status).toBe(200);
  });
});
