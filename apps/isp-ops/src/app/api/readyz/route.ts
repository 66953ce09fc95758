import { deps } from "../../../server/runtime.ts";

export const dynamic = "force-dynamic";

/** Readiness: the tenant database answers (a pod that cannot reach it takes no traffic). */
export async function GET() {
  try {
    const { db } = await deps();
    await db.$client`select 1`;
    return Response.json({ status: "ready" });
  } catch {
    return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503 });
  }
}
