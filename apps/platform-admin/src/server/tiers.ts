import { type Feature, type PlanTier, tiers } from "@dotmac/contracts";

/** Each plan as the onboarding wizard offers it: plain data, so the client bundle gets no contracts. */
export const tierSummaries = () =>
  Object.entries(tiers).map(([plan, t]) => ({
    // Object.entries widens the keys; they are the plans.
    plan: plan as PlanTier,
    maxSeats: t.maxSeats,
    features: [...t.allowedFeatures] as Feature[],
    defaultFeatures: [...t.defaultFeatures] as Feature[],
    summary: `up to ${t.maxSeats} seats, isp-ops ${t.hpa.minReplicas}-${t.hpa.maxReplicas} replicas, ${t.allowedFeatures.join(", ")}`,
  }));

export type TierInfo = ReturnType<typeof tierSummaries>[number];
