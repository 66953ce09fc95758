import { z } from "zod";
import type { Resources } from "./tiers.ts";
import { parseQuantity } from "./tiers.ts";

/** The parts a stamp schedules, each placed on its own (a stack's `dotmac:placement`). */
export const Workload = z.enum([
  "ispOps",
  "radius",
  "genieacs",
  "mongodb",
  "prometheus",
  "grafana",
  "automationApi",
  "platformAdmin",
]);
export type Workload = z.infer<typeof Workload>;

// Kubernetes' label syntax: an optional DNS-prefix/, a name of up to 63 characters; values may be empty.
const labelName =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export const Toleration = z.strictObject({
  key: z.string().regex(labelName, "expected a label key such as dotmac.io/pool").optional(),
  operator: z.enum(["Equal", "Exists"]).default("Equal"),
  value: z.string().regex(labelValue, "expected a label value").optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
});

/** Which nodes a part's pods may run on: the pod's nodeSelector and tolerations. */
export const Placement = z.strictObject({
  nodeSelector: z
    .record(
      z.string().regex(labelName, "expected a label key such as dotmac.io/pool"),
      z.string().regex(labelValue, "expected a label value"),
    )
    .optional(),
  tolerations: z.array(Toleration).max(16).optional(),
});
export type Placement = z.infer<typeof Placement>;

/**
 * Where a stack's pods go: one placement for every part, and any part placed on its own (a
 * dedicated RADIUS pool, say, or locally: our images on the real node, the rest on KWOK's).
 */
export const StackPlacement = z.strictObject({
  default: Placement.optional(),
  workloads: z.partialRecord(Workload, Placement).optional(),
});
export type StackPlacement = z.infer<typeof StackPlacement>;

/** A part's placement: its own when the stack names one, else the stack's default, else none. */
export function placementOf(placement: StackPlacement | undefined, workload: Workload): Placement {
  return placement?.workloads?.[workload] ?? placement?.default ?? {};
}

/**
 * How much a stack's pods ask the scheduler for. `production` is every figure as the tiers and
 * stamps state them; `compact` asks a tenth of the CPU and a quarter of the memory (limits stay,
 * so each part can still use what it needs) so that one small node holds the control plane and a
 * tenant: a laptop, a CI machine, a preview cluster.
 */
export const SizingProfile = z.enum(["production", "compact"]);
export type SizingProfile = z.infer<typeof SizingProfile>;

const compactShare = { cpu: 0.1, memory: 0.25 } as const;

function scaled(q: string, share: number, unit: "m" | "Mi", floor: number): string {
  const inUnit = unit === "m" ? parseQuantity(q) * 1000 : parseQuantity(q) / 2 ** 20;
  return `${Math.max(floor, Math.ceil(inUnit * share))}${unit}`;
}

/** Requests and limits under a sizing profile. */
export function sized(
  resources: { readonly requests: Resources; readonly limits: Resources },
  profile: SizingProfile,
): { requests: Resources; limits: Resources } {
  if (profile === "production")
    return { requests: { ...resources.requests }, limits: { ...resources.limits } };
  return {
    requests: {
      cpu: scaled(resources.requests.cpu, compactShare.cpu, "m", 10),
      memory: scaled(resources.requests.memory, compactShare.memory, "Mi", 16),
    },
    limits: { ...resources.limits },
  };
}
