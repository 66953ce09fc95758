import { tiers } from "@dotmac/contracts";

/** Each plan as the onboarding wizard offers it: a plain summary, so the client gets no contracts. */
export const tierSummaries = () =>
  Object.entries(tiers).map(([plan, t]) => ({
    plan,
    maxSeats: t.maxSeats,
    features: [...t.allowedFeatures] as string[],
    defaultFeatures: [...t.defaultFeatures] as string[],
    summary: `up to ${t.maxSeats} seats, isp-ops ${t.hpa.minReplicas}-${t.hpa.maxReplicas} replicas, ${t.allowedFeatures.join(", ")}`,
  }));

export type TierInfo = ReturnType<typeof tierSummaries>[number];
