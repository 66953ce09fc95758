// No zod here: the admin app's browser bundle checks slugs with this as the user types.

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

/** Why a slug cannot be used, or undefined when it can (TenantSlug's messages). */
export function slugProblem(slug: string): string | undefined {
  if (slug.length < 3) return "a slug has at least 3 characters";
  if (slug.length > 40) return "a slug has at most 40 characters";
  if (!dns1123Label.test(slug)) {
    return "a slug is lower-case letters, digits and '-', starting and ending with a letter or digit";
  }
  if (reservedSlugs.has(slug) || slug.startsWith("kube-")) return "this slug is reserved";
  return undefined;
}
