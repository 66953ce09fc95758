import { TENANT_MANAGER_CLUSTER_ROLE } from "../shared/platform-identity.ts";

const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];
const READ = ["get", "list", "watch"];

/**
 * What the automation API may do inside a tenant namespace: manage exactly the kinds of object a
 * TenantStamp creates. It holds these rights only where a tenant's RoleBinding grants them.
 */
export const tenantManagerRules = [
  {
    apiGroups: [""],
    resources: [
      "resourcequotas",
      "limitranges",
      "serviceaccounts",
      "secrets",
      "configmaps",
      "services",
      // Stateful parts claim volumes where a storage class is given; the provider's Deployment
      // await also watches claims (without the right it waits out its 10-minute timeout).
      "persistentvolumeclaims",
    ],
    verbs: WRITE,
  },
  { apiGroups: [""], resources: ["pods", "events", "endpoints"], verbs: READ },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: WRITE },
  { apiGroups: ["apps"], resources: ["replicasets"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies", "ingresses"], verbs: WRITE },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  // The daily billing run; its Jobs are the CronJob controller's, so only read.
  { apiGroups: ["batch"], resources: ["cronjobs"], verbs: WRITE },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: READ },
];

/**
 * The automation API's cluster-wide rights: namespaces, and binding the tenant-manager role in a
 * new namespace — nothing readable cluster-wide. RBAC cannot limit namespaces by name, so the
 * admission policy below confines both to `tenant-*`.
 */
export const automationApiClusterRules = [
  { apiGroups: [""], resources: ["namespaces"], verbs: WRITE },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["rolebindings"],
    verbs: ["create", "get", "update", "patch", "delete"],
  },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["clusterroles"],
    verbs: ["bind"],
    resourceNames: [TENANT_MANAGER_CLUSTER_ROLE],
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
