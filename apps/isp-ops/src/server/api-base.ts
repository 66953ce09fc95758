/** Where the isp-ops API is mounted: its Hono app, and the proxy's portal gate (which must not load it). */
export const ISP_OPS_API_BASE = "/api/v1";
