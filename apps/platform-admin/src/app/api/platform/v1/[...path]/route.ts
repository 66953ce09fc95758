import { API_BASE } from "@dotmac/platform-api/client";
import { proxyToApi } from "../../../../../server/api-proxy.ts";
import { upstreamUrl } from "../../../../../server/upstream.ts";

export const dynamic = "force-dynamic";

async function proxy(request: Request, context: { params: Promise<{ path: string[] }> }) {
  const { path } = await context.params;
  return proxyToApi(request, path, `${upstreamUrl()}${API_BASE}`);
}

export { proxy as DELETE, proxy as GET, proxy as PATCH, proxy as POST, proxy as PUT };
