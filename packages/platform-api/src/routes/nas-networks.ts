import { NasNetworks, NasNetworksResult } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { requirePermission } from "../guard.ts";
import { SlugParam } from "../params.ts";

export const put = route({
  method: "put",
  path: "/tenants/{slug}/nas-networks",
  tags: ["tenants"],
  summary:
    "Replace the tenant's NAS networks (what its isp-ops reports as NAS devices come and go): queues the update that opens RADIUS to them",
  middleware: [requirePermission("platform:tenants:nas:write")],
  request: { params: SlugParam, body: jsonBody(NasNetworks) },
  responses: {
    200: json(NasNetworksResult, "already the tenant's NAS networks: nothing queued"),
    202: json(NasNetworksResult, "changed: the update that deploys them is queued"),
    ...problems(400, 404, 409),
  },
});
