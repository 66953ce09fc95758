import type { TenantDb } from "@dotmac/tenant-db";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { NasRegistry } from "./nas.ts";

/** The metrics port: Prometheus's scrape, liveness and readiness (the database and the NAS list). */
export function healthApp(db: TenantDb, nas: NasRegistry, registry: Registry) {
  return (
    new Hono()
      .get("/metrics", async (c) =>
        c.body(await registry.metrics(), 200, { "content-type": registry.contentType }),
      )
      // Liveness: the process answers. Its dependencies are readiness's business.
      .get("/healthz", (c) => c.json({ status: "ok" }))
      .get("/readyz", async (c) => {
        const database = await db.$client`select 1`.then(
          () => true,
          () => false,
        );
        const ready = database && nas.current;
        return c.json(
          { status: ready ? "ready" : "unavailable", ready, database, nasClients: nas.current },
          ready ? 200 : 503,
        );
      })
  );
}
