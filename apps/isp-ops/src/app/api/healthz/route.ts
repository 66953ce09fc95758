import { deps } from "../../../server/runtime.ts";

export const dynamic = "force-dynamic";

/** The Deployment's probe: up when the tenant database answers. */
export async function GET() {
  try {
    const { db } = await deps();
    await db.$client`select 1`;
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "database unreachable" }, { status: 503 });
  }
}
