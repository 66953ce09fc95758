import { ProblemError } from "@dotmac/http/problem";
import type { TenantDb } from "@dotmac/tenant-db";
import { audit } from "../audit.ts";
import type { Staff } from "../auth.ts";
import { exportSubscribers, importSubscribers } from "../import-export.ts";
import { dashboardStats } from "../stats.ts";
import { subscriberDetail } from "../subscriber-detail.ts";
import {
  createSubscriber,
  listSubscribers,
  resetCredentials,
  setStatus,
  updateSubscriber,
} from "../subscribers.ts";
import { createRouter, knownId, staffOf } from "./context.ts";
import * as routes from "./subscribers.routes.ts";

/** Exports are audited: a list of every customer leaving the system is worth a record. */
async function auditExport(db: TenantDb, staff: Staff) {
  await audit(db, staff.id, { action: "subscriber.export", targetType: "subscriber" });
}

const found = <T>(detail: T | undefined): T => {
  if (!detail) throw new ProblemError(404, { detail: "no such subscriber" });
  return detail;
};

export function subscribersRouter() {
  return (
    createRouter()
      .openapi(routes.dashboard, async (c) => c.json(await dashboardStats(c.var.deps.db), 200))
      .openapi(routes.list, async (c) =>
        c.json(await listSubscribers(c.var.deps.db, c.req.valid("query")), 200),
      )
      // Before /subscribers/{id}, which would otherwise take "export.csv" for an id.
      .openapi(routes.exportCsv, async (c) => {
        const { db } = c.var.deps;
        await auditExport(db, staffOf(c));
        return c.body(exportSubscribers(db), 200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
        });
      })
      .openapi(routes.importCsv, async (c) => {
        const { db, box } = c.var.deps;
        return c.json(await importSubscribers(db, box, staffOf(c), await c.req.text()), 200);
      })
      .openapi(routes.create, async (c) => {
        const { db, box } = c.var.deps;
        return c.json(await createSubscriber(db, box, staffOf(c), c.req.valid("json")), 201);
      })
      .openapi(routes.detail, async (c) => {
        const id = knownId(c.req.valid("param").id, "subscriber");
        return c.json(found(await subscriberDetail(c.var.deps.db, id)), 200);
      })
      .openapi(routes.update, async (c) => {
        const id = knownId(c.req.valid("param").id, "subscriber");
        const { db } = c.var.deps;
        await updateSubscriber(db, staffOf(c), id, c.req.valid("json"));
        return c.json(found(await subscriberDetail(db, id)), 200);
      })
      .openapi(routes.setStatus, async (c) => {
        const id = knownId(c.req.valid("param").id, "subscriber");
        const { to, reason } = c.req.valid("json");
        const { db, disconnect } = c.var.deps;
        return c.json(await setStatus(db, staffOf(c), id, to, reason, disconnect), 200);
      })
      .openapi(routes.resetCredentials, async (c) => {
        const id = knownId(c.req.valid("param").id, "subscriber");
        const { db, box } = c.var.deps;
        await resetCredentials(db, box, staffOf(c), id, c.req.valid("json").password);
        return c.body(null, 204);
      })
  );
}
