import { type TenantSpec, tenantNamespace, tiers } from "@dotmac/contracts";

/** Labels every object of a tenant carries (the seed's namespace template, plus Kubernetes' recommended ones). */
export function tenantLabels(spec: Pick<TenantSpec, "slug" | "tenantId" | "plan">): Record<string, string> {
  return {
    "app.kubernetes.io/name": "dotmac-platform",
    "app.kubernetes.io/component": "tenant",
    "app.kubernetes.io/part-of": "dotmac",
    "app.kubernetes.io/managed-by": "pulumi",
    "dotmac.io/tenant-id": spec.tenantId,
    "dotmac.io/tenant-slug": spec.slug,
    "dotmac.io/plan-tier": spec.plan,
  };
}

/** The namespace's labels: the tenant's, and Pod Security Admission enforcing `restricted`. */
export function namespaceLabels(
  spec: Pick<TenantSpec, "slug" | "tenantId" | "plan">,
): Record<string, string> {
  return {
    ...tenantLabels(spec),
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
  };
}

export const namespaceName = (spec: Pick<TenantSpec, "slug">) => tenantNamespace(spec.slug);

/** The tier's ResourceQuota `spec.hard`. */
export function quotaHard(spec: Pick<TenantSpec, "plan">): Record<string, string> {
  const q = tiers[spec.plan].quota;
  return {
    "requests.cpu": q.requestsCpu,
    "requests.memory": q.requestsMemory,
    "limits.cpu": q.limitsCpu,
    "limits.memory": q.limitsMemory,
    persistentvolumeclaims: String(q.persistentVolumeClaims),
    "services.loadbalancers": String(q.loadBalancers),
    "services.nodeports": "0",
    pods: String(q.pods),
  };
}

/** The tier's LimitRange: defaults for containers that declare nothing, and a per-container ceiling. */
export function limitRangeLimits(spec: Pick<TenantSpec, "plan">) {
  const t = tiers[spec.plan];
  return [
    {
      type: "Container",
      default: { ...t.containerDefaults.limits },
      defaultRequest: { ...t.containerDefaults.requests },
      max: { ...t.ispOps.limits },
    },
  ];
}
