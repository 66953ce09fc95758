import { PLATFORM_NAMESPACE } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import { AUTOMATION_API_SERVICE_ACCOUNT, TENANT_MANAGER_CLUSTER_ROLE } from "../shared/platform-identity.ts";
import {
  automationApiClusterRules,
  automationApiUser,
  tenantManagerRules,
  tenantOnlyValidation,
} from "./automation-api-rbac.ts";
import type { PlatformParts } from "./parts.ts";

/**
 * The automation API's identity: its service account, the cluster role tenant stacks bind in
 * their namespaces, its own narrow cluster rights, and the admission policy that confines its
 * writes to tenant namespaces.
 */
export function automationApiIdentity(parts: PlatformParts): k8s.core.v1.ServiceAccount {
  const sa = new k8s.core.v1.ServiceAccount(
    `${parts.name}-api-sa`,
    { metadata: parts.inNs(AUTOMATION_API_SERVICE_ACCOUNT) },
    parts.child,
  );
  // Bound by each tenant stack in its own namespace; the API holds it nowhere else.
  new k8s.rbac.v1.ClusterRole(
    `${parts.name}-tenant-manager`,
    { metadata: { name: TENANT_MANAGER_CLUSTER_ROLE, labels: parts.labels }, rules: tenantManagerRules },
    { parent: parts.parent },
  );
  const clusterRole = new k8s.rbac.v1.ClusterRole(
    `${parts.name}-api-role`,
    { metadata: { name: "dotmac-automation-api", labels: parts.labels }, rules: automationApiClusterRules },
    { parent: parts.parent },
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    `${parts.name}-api-binding`,
    {
      metadata: { name: "dotmac-automation-api", labels: parts.labels },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: clusterRole.metadata.name,
      },
      subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: parts.namespace }],
    },
    { parent: parts.parent },
  );
  const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
    `${parts.name}-api-tenant-only`,
    {
      metadata: { name: "dotmac-automation-api-tenant-only", labels: parts.labels },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ["*"],
              apiVersions: ["*"],
              operations: ["CREATE", "UPDATE", "DELETE"],
              resources: ["*"],
            },
          ],
        },
        matchConditions: [
          {
            name: "is-automation-api",
            expression: `request.userInfo.username == '${automationApiUser(PLATFORM_NAMESPACE)}'`,
          },
        ],
        validations: tenantOnlyValidation(),
      },
    },
    { parent: parts.parent },
  );
  new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
    `${parts.name}-api-tenant-only-binding`,
    {
      metadata: { name: "dotmac-automation-api-tenant-only", labels: parts.labels },
      spec: { policyName: policy.metadata.name, validationActions: ["Deny"] },
    },
    { parent: parts.parent },
  );

  return sa;
}
