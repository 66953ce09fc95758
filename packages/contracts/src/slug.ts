import { z } from "zod";
import { slugProblem } from "./slug-rules.ts";

export { reservedSlugs, slugProblem } from "./slug-rules.ts";

/** A tenant's slug: a DNS-1123 label of 3–40 characters that names its namespace `tenant-<slug>`. */
export const TenantSlug = z.string().superRefine((s, ctx) => {
  const problem = slugProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
export type TenantSlug = z.infer<typeof TenantSlug>;

/** The Kubernetes namespace that holds a tenant. */
export const tenantNamespace = (slug: string) => `tenant-${slug}`;

/** The Pulumi stack that holds a tenant. */
export const tenantStackName = (slug: string) => `tenant-${slug}`;

/** The slug in a stack name `tenant-<slug>`, or undefined for any other stack. */
export function slugFromStackName(stack: string): string | undefined {
  const match = /^tenant-(.+)$/.exec(stack);
  return match?.[1];
}

/** The slug in a local development host name `<slug>.localhost[:port]` (how `npm start` names tenants). */
export function slugFromLocalHost(host: string | null | undefined): string | undefined {
  return /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.localhost(?::\d+)?$/.exec(host ?? "")?.[1];
}
