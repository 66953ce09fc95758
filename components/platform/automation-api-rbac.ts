/**
 * What the automation API's ServiceAccount may do in the cluster: create and change tenant
 * namespaces and exactly the kinds of object a TenantStamp puts in them. RBAC cannot limit
 * namespaces by name, so a ValidatingAdmissionPolicy (below) confines it to `tenant-*`.
 */
export const automationApiClusterRules = [
  {
    apiGroups: [""],
    resources: ["namespaces"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: [""],
    resources: ["resourcequotas", "limitranges", "serviceaccounts", "secrets", "configmaps", "services"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods", "events", "endpoints"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["networking.k8s.io"],
    resources: ["networkpolicies", "ingresses"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["roles", "rolebindings"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["autoscaling"],
    resources: ["horizontalpodautoscalers"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["policy"],
    resources: ["poddisruptionbudgets"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
];

/** The API's identity as the API server sees it. */
export const automationApiUser = (namespace: string) => `system:serviceaccount:${namespace}:automation-api`;

/**
 * CEL for the admission policy: the automation API may only touch namespaces named tenant-*,
 * and only namespaced objects inside them.
 */
export function tenantOnlyValidation() {
  return [
    {
      expression:
        "request.kind.kind != 'Namespace' || (request.operation == 'DELETE' ? oldObject.metadata.name : object.metadata.name).startsWith('tenant-')",
      message: "the automation API may only manage namespaces named tenant-<slug>",
    },
    {
      expression: "request.kind.kind == 'Namespace' || request.namespace.startsWith('tenant-')",
      message: "the automation API may only write inside tenant-<slug> namespaces",
    },
  ];
}
