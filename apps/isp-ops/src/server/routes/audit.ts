import { auditPage } from "../audit-log.ts";
import * as routes from "./audit.routes.ts";
import { createRouter } from "./context.ts";

export function auditRouter() {
  return createRouter().openapi(routes.list, async (c) =>
    c.json(await auditPage(c.var.deps.db, c.req.valid("query")), 200),
  );
}
