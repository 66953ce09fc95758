import { describe, expect, it } from "vitest";
import { componentResources, connectionBudget, type PlanTier, parseQuantity, tiers } from "./tiers.ts";

const sum = (tier: PlanTier, key: "requests" | "limits", resource: "cpu" | "memory") => {
  const t = tiers[tier];
  const ispOps = t.hpa.maxReplicas * parseQuantity(t.ispOps[key][resource]);
  const others = Object.values(componentResources)
    .filter((c) => t.allowedFeatures.includes(c.feature))
    .reduce((acc, c) => acc + c.replicas * parseQuantity(c[key][resource]), 0);
  return ispOps + others;
};

describe("plan tiers", () => {
  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("128Mi")).toBe(128 * 2 ** 20);
    expect(() => parseQuantity("lots")).toThrow(/not a Kubernetes quantity/);
  });

  it("takes isp-ops sizes and HPA bounds from the seed", () => {
    expect(tiers.starter.ispOps).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "1", memory: "2Gi" },
    });
    expect(tiers.professional.ispOps).toEqual({
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
    expect(tiers.enterprise.ispOps).toEqual({
      requests: { cpu: "2", memory: "4Gi" },
      limits: { cpu: "4", memory: "8Gi" },
    });
    expect(tiers.professional.hpa).toEqual({ minReplicas: 1, maxReplicas: 5 });
    expect(tiers.enterprise.hpa).toEqual({ minReplicas: 2, maxReplicas: 10 });
  });

  it.each(["starter", "professional", "enterprise"] as const)(
    "gives %s a quota that holds isp-ops at max replicas plus every other part",
    (tier) => {
      const q = tiers[tier].quota;
      expect(parseQuantity(q.requestsCpu)).toBeGreaterThanOrEqual(sum(tier, "requests", "cpu"));
      expect(parseQuantity(q.requestsMemory)).toBeGreaterThanOrEqual(sum(tier, "requests", "memory"));
      expect(parseQuantity(q.limitsCpu)).toBeGreaterThanOrEqual(sum(tier, "limits", "cpu"));
      expect(parseQuantity(q.limitsMemory)).toBeGreaterThanOrEqual(sum(tier, "limits", "memory"));
    },
  );

  it.each(["starter", "professional", "enterprise"] as const)(
    "sizes %s's pools to fit under its connection limit on a shared server, at full scale and mid-rollout",
    (tier) => {
      const t = tiers[tier];
      expect(connectionBudget(t)).toBeLessThanOrEqual(t.database.connectionLimit);
      // Not so tight that a pod is starved: each keeps a few connections for concurrent requests.
      expect(Math.min(t.database.pools.ispOps, t.database.pools.radius)).toBeGreaterThanOrEqual(4);
    },
  );

  it("grows monotonically from starter to enterprise, and only enterprise is highly available", () => {
    const order = [tiers.starter, tiers.professional, tiers.enterprise];
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1], order[i]];
      if (!a || !b) throw new Error("missing tier");
      expect(parseQuantity(b.quota.requestsCpu)).toBeGreaterThan(parseQuantity(a.quota.requestsCpu));
      expect(b.hpa.maxReplicas).toBeGreaterThan(a.hpa.maxReplicas);
      expect(b.database.storageGb).toBeGreaterThan(a.database.storageGb);
      expect(b.database.backupRetentionDays).toBeGreaterThanOrEqual(7);
      expect(b.maxSeats).toBeGreaterThan(a.maxSeats);
    }
    expect(order.map((t) => t.database.highlyAvailable)).toEqual([false, false, true]);
    for (const t of order) for (const f of t.defaultFeatures) expect(t.allowedFeatures).toContain(f);
    expect(tiers.starter.allowedFeatures).not.toContain("genieacs");
  });
});
