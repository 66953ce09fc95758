import { z } from "zod";

/**
 * Names a tenant may not take: they collide with system namespaces, the control plane, or
 * host names the platform serves itself (admin.<domain>, api.<domain>).
 */
export const reservedSlugs: ReadonlySet<string> = new Set([
  "admin",
  "api",
  "app",
  "default",
  "dotmac",
  "grafana",
  "platform",
  "platform-admin",
  "root",
  "status",
  "system",
  "tenant",
  "www",
]);

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A tenant's slug: a DNS-1123 label of 3–40 characters that names its namespace `tenant-<slug>`. */
export const TenantSlug = z
  .string()
  .min(3, "a slug has at least 3 characters")
  .max(40, "a slug has at most 40 characters")
  .regex(
    dns1123Label,
    "a slug is lower-case letters, digits and '-', starting and ending with a letter or digit",
  )
  .refine((s) => !reservedSlugs.has(s) && !s.startsWith("kube-"), {
    message: "this slug is reserved",
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
