/**
 * Labels for one app of a tenant component: the tenant's labels plus the app's name and the
 * component it belongs to; the selector is the stable subset (never the plan, which changes).
 */
export function appLabeller(tenantLabels: Record<string, string>, component: string, slug: string) {
  return {
    labelsFor: (app: string) => ({
      ...tenantLabels,
      "app.kubernetes.io/name": app,
      "app.kubernetes.io/component": component,
    }),
    selectorFor: (app: string) => ({ "app.kubernetes.io/name": app, "dotmac.io/tenant-slug": slug }),
  };
}
