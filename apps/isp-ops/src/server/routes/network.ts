import { createNas, disconnectSession, listNas, onlineSessions, updateNas } from "../network.ts";
import { createRouter, knownId, staffOf } from "./context.ts";
import * as routes from "./network.routes.ts";

export function networkRouter() {
  return createRouter()
    .openapi(routes.listNas, async (c) => c.json({ items: await listNas(c.var.deps.db) }, 200))
    .openapi(routes.createNas, async (c) => {
      const { db, box } = c.var.deps;
      return c.json(await createNas(db, box, staffOf(c), c.req.valid("json")), 201);
    })
    .openapi(routes.updateNas, async (c) => {
      const { db, box } = c.var.deps;
      const id = knownId(c.req.valid("param").id, "NAS");
      return c.json(await updateNas(db, box, staffOf(c), id, c.req.valid("json")), 200);
    })
    .openapi(routes.online, async (c) => {
      const items = await onlineSessions(c.var.deps.db, c.req.valid("query").q);
      return c.json(
        {
          items: items.map((s) => ({
            ...s,
            inputOctets: Number(s.inputOctets),
            outputOctets: Number(s.outputOctets),
          })),
        },
        200,
      );
    })
    .openapi(routes.disconnect, async (c) => {
      const { db, disconnect } = c.var.deps;
      return c.json(await disconnectSession(db, staffOf(c), c.req.valid("param").id, disconnect), 200);
    });
}
