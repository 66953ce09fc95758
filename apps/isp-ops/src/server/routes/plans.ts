import { createPlan, listPlans } from "../plans.ts";
import { createRouter, staffOf } from "./context.ts";
import * as routes from "./plans.routes.ts";

export function plansRouter() {
  return createRouter()
    .openapi(routes.list, async (c) => c.json({ items: await listPlans(c.var.deps.db) }, 200))
    .openapi(routes.create, async (c) =>
      c.json(await createPlan(c.var.deps.db, staffOf(c), c.req.valid("json")), 201),
    );
}
