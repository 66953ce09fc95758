import { licenceStanding } from "../licence.ts";
import { addStaff, disableStaff, listStaff } from "../staff.ts";
import { createRouter, knownId, staffOf } from "./context.ts";
import * as routes from "./staff.routes.ts";

export function staffRouter() {
  return createRouter()
    .openapi(routes.list, async (c) => c.json({ items: await listStaff(c.var.deps.db) }, 200))
    .openapi(routes.create, async (c) =>
      c.json(
        await addStaff(
          c.var.deps.db,
          staffOf(c),
          c.req.valid("json"),
          licenceStanding(c.var.deps.entitlements),
        ),
        201,
      ),
    )
    .openapi(routes.disable, async (c) => {
      const id = knownId(c.req.valid("param").id, "staff member");
      return c.json(await disableStaff(c.var.deps.db, staffOf(c), id), 200);
    });
}
