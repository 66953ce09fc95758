/**
 * The ports each part of a tenant listens on: its Deployment, its Service and its NetworkPolicy
 * all name them from here.
 */
export const ISP_OPS_PORT = 3000;
/** isp-ops's Prometheus metrics: not on the app's port, which the Ingress publishes. */
export const ISP_OPS_METRICS_PORT = 9464;

export const RADIUS_AUTH_PORT = 1812;
export const RADIUS_ACCT_PORT = 1813;
export const RADIUS_COA_PORT = 3799;
export const RADIUS_METRICS_PORT = 9812;
/** isp-ops's disconnect requests: apart from metrics, so that only isp-ops may reach it. */
export const RADIUS_CONTROL_PORT = 9813;
export const RADIUS_CONTROL_SERVICE = "radius-control";

/** GenieACS's four services: TR-069 CWMP for the CPEs, the northbound API, file server, and UI. */
export const genieacsServices = [
  { name: "cwmp", port: 7547 },
  { name: "nbi", port: 7557 },
  { name: "fs", port: 7567 },
  { name: "ui", port: 3000 },
] as const;
export const GENIEACS_NBI_PORT = 7557;
export const MONGO_PORT = 27017;

export const PROMETHEUS_PORT = 9090;
export const GRAFANA_PORT = 3000;
