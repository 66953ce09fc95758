import { type TenantSpec, tenantHosts } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import type { PlatformTx } from "@dotmac/platform-db";
import { sql } from "drizzle-orm";

/** Taken by every transaction that gives a tenant host names, so two cannot take one name at once. */
const HOSTS_LOCK = 0x686f737473; // "hosts"

/**
 * Refuses host names another live tenant answers on (its app host or a custom domain), in the
 * caller's transaction; a 409 names each one. Held until that transaction ends.
 */
export async function claimHosts(tx: PlatformTx, tenantId: string, spec: TenantSpec): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${HOSTS_LOCK})`);
  const wanted = tenantHosts(spec);
  const taken = (await tx.execute(sql`
    select t.slug, h.host
      from tenants t,
           lateral (select t.slug || '.isp.' || (t.spec->>'baseDomain') as host
                    union all
                    select jsonb_array_elements_text(coalesce(t.spec->'customDomains', '[]'::jsonb))) h
     where t.status <> 'deleted' and t.id <> ${tenantId}
       and h.host in (${sql.join(
         wanted.map((h) => sql`${h}`),
         sql`, `,
       )})`)) as unknown as {
    slug: string;
    host: string;
  }[];
  if (taken.length === 0) return;
  throw new ProblemError(409, {
    detail: `already served by another tenant: ${taken.map((t) => t.host).join(", ")}`,
    errors: taken.map(({ slug, host }) => {
      const i = spec.customDomains.indexOf(host);
      if (i >= 0) return { path: `customDomains.${i}`, message: `already served by tenant ${slug}` };
      return slug === spec.slug
        ? { path: "slug", message: "already taken by another tenant" }
        : { path: "slug", message: `its address ${host} is a custom domain of tenant ${slug}` };
    }),
  });
}
