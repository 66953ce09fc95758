import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";

/** Liveness, readiness (database and queue), and Prometheus metrics; outside the API's auth. */
export function healthRouter(deps: Deps) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      try {
        await deps.db.execute(sql`select 1`);
      } catch {
        return c.json({ status: "unavailable", database: "down" }, 503);
      }
      if (!deps.ready()) return c.json({ status: "unavailable", queue: "starting" }, 503);
      return c.json({ status: "ready" });
    })
    .get("/metrics", async (c) =>
      c.body(await deps.metrics.metrics(), 200, { "content-type": deps.metrics.contentType }),
    );
}
