import { ProblemError } from "@dotmac/http/problem";
import { addStaffMessage } from "../helpdesk/messages.ts";
import { ticketPage } from "../helpdesk/queues.ts";
import { listSlaPolicies, updateSlaPolicy } from "../helpdesk/sla.ts";
import { ticketDetail } from "../helpdesk/ticket-detail.ts";
import { createTicket, updateTicket } from "../helpdesk/tickets.ts";
import { createRouter, knownId, staffOf } from "./context.ts";
import * as routes from "./helpdesk.routes.ts";

export function helpdeskRouter() {
  return createRouter()
    .openapi(routes.list, async (c) =>
      c.json(await ticketPage(c.var.deps.db, staffOf(c), c.req.valid("query")), 200),
    )
    .openapi(routes.create, async (c) =>
      c.json(await createTicket(c.var.deps, { staff: staffOf(c) }, c.req.valid("json")), 201),
    )
    .openapi(routes.detail, async (c) => {
      const found = await ticketDetail(c.var.deps.db, knownId(c.req.valid("param").id, "ticket"));
      if (!found) throw new ProblemError(404, { detail: "no such ticket" });
      return c.json(found, 200);
    })
    .openapi(routes.update, async (c) =>
      c.json(
        await updateTicket(
          c.var.deps.db,
          staffOf(c),
          knownId(c.req.valid("param").id, "ticket"),
          c.req.valid("json"),
        ),
        200,
      ),
    )
    .openapi(routes.reply, async (c) =>
      c.json(
        await addStaffMessage(
          c.var.deps,
          staffOf(c),
          knownId(c.req.valid("param").id, "ticket"),
          c.req.valid("json"),
        ),
        201,
      ),
    )
    .openapi(routes.slaList, async (c) => c.json({ items: await listSlaPolicies(c.var.deps.db) }, 200))
    .openapi(routes.slaUpdate, async (c) =>
      c.json(
        await updateSlaPolicy(c.var.deps.db, staffOf(c), c.req.valid("param").priority, c.req.valid("json")),
        200,
      ),
    );
}
