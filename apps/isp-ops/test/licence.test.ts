import { auditLogs, staffUsers } from "@dotmac/tenant-db";
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { licenceStanding } from "../src/server/licence.ts";
import { startApi } from "./harness.ts";

const newStaff = (n: number) => ({
  email: `agent${n}@isp.test`,
  displayName: `Agent ${n}`,
  password: "a-long-agent-password",
  role: "agent",
  permissions: ["support:read"],
});

/** The licence the platform grants, as isp-ops applies it to staff (never to subscribers). */
describe("the tenant's licence in isp-ops", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  const active = async () =>
    (await h.db.select().from(staffUsers).where(isNull(staffUsers.disabledAt))).length;

  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("caps active staff at the licence's seats with a 409 naming it; a disabled member frees a seat", async () => {
    h.licensed({ seats: 3, validUntil: null });
    expect(await active()).toBe(1);
    const added = [];
    for (const n of [1, 2]) {
      const res = await h.call("/staff", { method: "POST", cookie: h.admin, json: newStaff(n) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      added.push(res.body.id as string);
    }
    const over = await h.call("/staff", { method: "POST", cookie: h.admin, json: newStaff(3) });
    expect(over.status).toBe(409);
    expect(over.type).toBe("application/problem+json");
    expect(over.body.detail).toMatch(/licence allows 3 staff seats/);
    expect(await active()).toBe(3);
    const audited = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "staff.create"));
    expect(audited).toHaveLength(2);

    // Two admins racing for the last seat: one gets it.
    expect((await h.call(`/staff/${added[1]}/disable`, { method: "POST", cookie: h.admin })).status).toBe(
      200,
    );
    const race = await Promise.all(
      [4, 5].map((n) => h.call("/staff", { method: "POST", cookie: h.admin, json: newStaff(n) })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await active()).toBe(3);
  });

  it("keeps staff reading but not changing once the licence has ended, while the portal works on", async () => {
    h.licensed({ seats: 10, validUntil: "2026-01-31T00:00:00.000Z" });
    const plans = await h.call("/plans", { cookie: h.admin });
    expect(plans.status).toBe(200);
    const created = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: { name: "Fibre 10", downloadKbps: 10_000, uploadKbps: 2_000, priceMinor: 900, currency: "EUR" },
    });
    expect(created.status).toBe(403);
    expect(created.body.detail).toMatch(/licence ended on 2026-01-31: isp-ops is read-only for staff/);
    expect((await h.call("/plans", { cookie: h.admin })).body.items).toEqual(plans.body.items);
    // Signing in and out still works; subscribers' routes are not staff's to lose.
    expect((await h.signIn("admin@isp.test")).cookie).toMatch(/=/);
    const portal = await h.call("/portal/auth/login", {
      method: "POST",
      json: { identifier: "nobody@home.test", password: "not-a-real-password" },
    });
    expect(portal.status).toBe(401);

    // Renewed: changes go through again.
    h.licensed({ seats: 10, validUntil: "2099-01-31T00:00:00.000Z" });
    const renewed = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: { name: "Fibre 10", downloadKbps: 10_000, uploadKbps: 2_000, priceMinor: 900, currency: "EUR" },
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(201);
  });

  it("warns of the end thirty days ahead", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const grant = (validUntil: string | null) => ({
      has: () => true,
      status: {
        state: "current" as const,
        at: now,
        entitlements: {
          tenant: "fibre",
          plan: "starter" as const,
          flags: {},
          licence: { seats: 5, validUntil },
          admin: null,
        },
      },
    });
    expect(licenceStanding(undefined, now)).toEqual({ state: "unlicensed" });
    expect(licenceStanding(grant(null), now)).toMatchObject({ state: "valid", seats: 5 });
    expect(licenceStanding(grant("2027-02-01T00:00:00Z"), now).state).toBe("valid");
    expect(licenceStanding(grant("2026-12-31T00:00:00Z"), now).state).toBe("ending");
    expect(licenceStanding(grant("2026-12-07T12:00:00Z"), now).state).toBe("expired");
  });
});
