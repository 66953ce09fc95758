import { createDevice, listDevices } from "../devices.ts";
import { createRouter, staffOf } from "./context.ts";
import * as routes from "./devices.routes.ts";

export function devicesRouter() {
  return createRouter()
    .openapi(routes.list, async (c) =>
      c.json({ items: await listDevices(c.var.deps.db, c.req.valid("query").q) }, 200),
    )
    .openapi(routes.create, async (c) =>
      c.json(await createDevice(c.var.deps.db, staffOf(c), c.req.valid("json")), 201),
    );
}
