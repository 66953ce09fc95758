export const dynamic = "force-dynamic";

/** Liveness: the process serves requests. Dependencies are readiness's business (/api/readyz), so
 * a database outage takes pods out of rotation instead of restarting them all. */
export function GET() {
  return Response.json({ status: "ok" });
}
