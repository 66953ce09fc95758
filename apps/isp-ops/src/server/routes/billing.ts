import { ProblemError } from "@dotmac/http/problem";
import { billingRuns, subscribers } from "@dotmac/tenant-db";
import { desc, eq } from "drizzle-orm";
import { createInvoice, creditNote, voidInvoice } from "../billing/invoices.ts";
import { requireSubscriber, settingsOf } from "../billing/ledger.ts";
import { recordPayment } from "../billing/payments.ts";
import { runBilling } from "../billing/runs.ts";
import {
  billingSettingsView,
  createTaxRate,
  listTaxRates,
  updateBillingSettings,
} from "../billing/settings.ts";
import { invoiceDetail, listInvoices, subscriberBilling } from "../billing/views.ts";
import * as routes from "./billing.routes.ts";
import { createRouter, knownId, staffOf } from "./context.ts";

export function billingRouter() {
  return createRouter()
    .openapi(routes.settings, async (c) => c.json(await billingSettingsView(c.var.deps.db), 200))
    .openapi(routes.updateSettings, async (c) =>
      c.json(await updateBillingSettings(c.var.deps.db, staffOf(c).id, c.req.valid("json")), 200),
    )
    .openapi(routes.taxRates, async (c) => c.json({ items: await listTaxRates(c.var.deps.db) }, 200))
    .openapi(routes.createTaxRate, async (c) =>
      c.json(await createTaxRate(c.var.deps.db, staffOf(c).id, c.req.valid("json")), 201),
    )
    .openapi(routes.listInvoices, async (c) =>
      c.json(await listInvoices(c.var.deps.db, c.req.valid("query")), 200),
    )
    .openapi(routes.createInvoice, async (c) => {
      const input = c.req.valid("json");
      const { db } = c.var.deps;
      const actor = staffOf(c).id;
      const id = await db.transaction(async (tx) => {
        await requireSubscriber(tx, input.subscriberId);
        const { currency } = await settingsOf(tx);
        return createInvoice(tx, {
          subscriberId: input.subscriberId,
          currency,
          actor,
          lines: input.lines.map((l) => ({ kind: "one_off", ...l })),
        });
      });
      return c.json({ id }, 201);
    })
    .openapi(routes.invoice, async (c) => {
      const found = await invoiceDetail(c.var.deps.db, knownId(c.req.valid("param").id, "invoice"));
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      return c.json(found, 200);
    })
    .openapi(routes.voidInvoice, async (c) => {
      const id = knownId(c.req.valid("param").id, "invoice");
      return c.json(await voidInvoice(c.var.deps.db, staffOf(c).id, id, c.req.valid("json").reason), 200);
    })
    .openapi(routes.creditNote, async (c) => {
      const id = knownId(c.req.valid("param").id, "invoice");
      return c.json(await creditNote(c.var.deps.db, staffOf(c).id, id, c.req.valid("json")), 201);
    })
    .openapi(routes.recordPayment, async (c) =>
      c.json(await recordPayment(c.var.deps.db, staffOf(c).id, c.req.valid("json")), 201),
    )
    .openapi(routes.subscriberBilling, async (c) => {
      const id = knownId(c.req.valid("param").id, "subscriber");
      const { db } = c.var.deps;
      const [subscriber] = await db
        .select({ id: subscribers.id })
        .from(subscribers)
        .where(eq(subscribers.id, id));
      if (!subscriber) throw new ProblemError(404, { detail: "no such subscriber" });
      return c.json(await subscriberBilling(db, id), 200);
    })
    .openapi(routes.runBilling, async (c) =>
      c.json(await runBilling(c.var.deps.db, staffOf(c).id, c.req.valid("json").asOf), 200),
    )
    .openapi(routes.billingRuns, async (c) => {
      const items = await c.var.deps.db
        .select()
        .from(billingRuns)
        .orderBy(desc(billingRuns.startedAt))
        .limit(20);
      return c.json({ items }, 200);
    });
}
