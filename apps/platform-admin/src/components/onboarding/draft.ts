import type { Feature, PlanTier, TenantSpecRequest } from "@dotmac/contracts";
import type { FieldErrors } from "@dotmac/ui";
import type { z } from "zod";
import type { TierInfo } from "../../server/tiers.ts";
import { textList as list } from "../text-list.ts";

export type { TierInfo };

/** What the admin has typed so far: form text, turned into a TenantSpec request by `requestOf`. */
export interface Draft {
  slug: string;
  displayName: string;
  plan: PlanTier;
  seats: number;
  adminName: string;
  adminEmail: string;
  features: Feature[];
  customDomains: string;
  nasCidrs: string;
  primaryColor: string;
  brandName: string;
  logoUrl: string;
  baseDomain: string;
  region: string;
  database: "postgres" | "aws" | "gcp";
  awsVpcId: string;
  awsSubnetIds: string;
  awsClusterCidrs: string;
  gcpProject: string;
  gcpNetwork: string;
}

/** What every step is given: the draft, a way to change it, and the API's field errors. */
export interface StepProps {
  readonly draft: Draft;
  readonly set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  readonly update: (change: (d: Draft) => Draft) => void;
  /** A text field's name, value and change handler, bound to the draft. */
  readonly bind: (key: TextKey) => {
    name: TextKey;
    value: string;
    onChange: (e: { target: { value: string } }) => void;
  };
  readonly errors: FieldErrors;
}

/** The draft's plain text fields (what a Field edits as typed). */
type TextKey = { [K in keyof Draft]: Draft[K] extends string ? K : never }[keyof Draft];

export const initialDraft = (tiers: readonly TierInfo[]): Draft => ({
  slug: "",
  displayName: "",
  plan: tiers[0]?.plan ?? "starter",
  seats: 5,
  adminName: "",
  adminEmail: "",
  features: [...(tiers[0]?.defaultFeatures ?? [])],
  customDomains: "",
  nasCidrs: "",
  primaryColor: "#0066CC",
  brandName: "",
  logoUrl: "",
  baseDomain: "dotmac.io",
  region: "local",
  database: "postgres",
  awsVpcId: "",
  awsSubnetIds: "",
  awsClusterCidrs: "",
  gcpProject: "",
  gcpNetwork: "",
});

/** The onboarding request the draft stands for; the API validates it (TenantSpecRequest). */
export const requestOf = (draft: Draft): z.input<typeof TenantSpecRequest> => ({
  slug: draft.slug,
  displayName: draft.displayName,
  plan: draft.plan,
  seats: draft.seats,
  // Named, the ISP's first isp-ops admin is mailed an invitation once the tenant is up.
  ...(draft.adminName || draft.adminEmail
    ? { admin: { name: draft.adminName, email: draft.adminEmail } }
    : {}),
  features: draft.features,
  customDomains: list(draft.customDomains),
  nasCidrs: list(draft.nasCidrs),
  baseDomain: draft.baseDomain,
  region: draft.region,
  database:
    draft.database === "aws"
      ? {
          target: "aws",
          vpcId: draft.awsVpcId,
          subnetIds: list(draft.awsSubnetIds),
          clusterCidrs: list(draft.awsClusterCidrs),
        }
      : draft.database === "gcp"
        ? { target: "gcp", project: draft.gcpProject, network: draft.gcpNetwork }
        : { target: "postgres" },
  branding: {
    primaryColor: draft.primaryColor,
    ...(draft.brandName ? { name: draft.brandName } : {}),
    ...(draft.logoUrl ? { logoUrl: draft.logoUrl } : {}),
  },
});
