import { upstreamUrl } from "../../../server/upstream.ts";

export const dynamic = "force-dynamic";

/** Readiness: the automation API answers, so what this app serves can work. */
export async function GET() {
  const up = await fetch(`${upstreamUrl()}/healthz`, {
    cache: "no-store",
    signal: AbortSignal.timeout(2000),
  }).then(
    (r) => r.ok,
    () => false,
  );
  return up
    ? Response.json({ status: "ready" })
    : Response.json({ status: "unavailable", automationApi: "unreachable" }, { status: 503 });
}
