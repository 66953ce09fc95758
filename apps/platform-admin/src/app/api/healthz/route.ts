export const dynamic = "force-dynamic";

/** Liveness: the process serves requests (the automation API being down is readiness's business). */
export function GET() {
  return Response.json({ status: "ok" });
}
