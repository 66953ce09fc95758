import { tiers } from "@dotmac/contracts";
import { redirect } from "next/navigation";
import type { TierInfo } from "../../../../components/onboarding/draft.ts";
import { OnboardingWizard } from "../../../../components/onboarding/wizard.tsx";
import { can, me } from "../../../../server/upstream.ts";

export default async function NewTenant() {
  const who = await me();
  if (!can(who, "platform:tenants:write")) redirect("/tenants");
  // The client gets a plain summary of each plan, not the contracts package.
  const info: TierInfo[] = Object.entries(tiers).map(([plan, t]) => ({
    plan,
    maxSeats: t.maxSeats,
    features: [...t.allowedFeatures],
    defaultFeatures: [...t.defaultFeatures],
    summary: `up to ${t.maxSeats} seats, isp-ops ${t.hpa.minReplicas}-${t.hpa.maxReplicas} replicas, ${t.allowedFeatures.join(", ")}`,
  }));
  return (
    <>
      <h2>Onboard an ISP</h2>
      <OnboardingWizard tiers={info} />
    </>
  );
}
