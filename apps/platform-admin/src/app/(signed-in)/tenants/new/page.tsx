import { redirect } from "next/navigation";
import { OnboardingWizard } from "../../../../components/onboarding/wizard.tsx";
import { tierSummaries } from "../../../../server/tiers.ts";
import { can, me } from "../../../../server/upstream.ts";

export default async function NewTenant() {
  const who = await me();
  if (!can(who, "platform:tenants:write")) redirect("/tenants");
  return (
    <>
      <h2>Onboard an ISP</h2>
      <OnboardingWizard tiers={tierSummaries()} />
    </>
  );
}
