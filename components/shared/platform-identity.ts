/**
 * Names the control plane and every tenant agree on: the automation API's identity, and the
 * ClusterRole each tenant namespace binds it to (its only rights inside a tenant).
 */
export const AUTOMATION_API_SERVICE_ACCOUNT = "automation-api";
export const TENANT_MANAGER_CLUSTER_ROLE = "dotmac-tenant-manager";
