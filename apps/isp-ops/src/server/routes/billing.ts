import type { PaymentCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { billingRuns, invoices, subscribers } from "@dotmac/tenant-db";
import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { audit } from "../audit.ts";
import { creditNote, voidInvoice } from "../billing/corrections.ts";
import { deliverInvoices } from "../billing/deliveries.ts";
import { restoreIfSettled, runDunning } from "../billing/dunning.ts";
import { dunningState, pauseDunning } from "../billing/dunning-state.ts";
import { invoicePdfFile, receiptPdfFile, startCheckout } from "../billing/invoice-actions.ts";
import { createInvoice } from "../billing/invoices.ts";
import { billingBrand, requireSubscriber, settingsOf } from "../billing/ledger.ts";
import { receipt } from "../billing/notices.ts";
import { billingOverview } from "../billing/overview.ts";
import { recordPayment, recordSettlement } from "../billing/payments.ts";
import { paymentReceipt } from "../billing/receipts.ts";
import { refund } from "../billing/refunds.ts";
import { runBilling } from "../billing/runs.ts";
import {
  billingSettingsView,
  createTaxRate,
  listTaxRates,
  updateBillingSettings,
} from "../billing/settings.ts";
import { invoiceDetail, listInvoices, subscriberBilling } from "../billing/views.ts";
import { branded } from "../mail.ts";
import * as routes from "./billing.routes.ts";
import { createRouter, type IspOpsEnv, knownId, staffOf } from "./context.ts";

type Ctx = Context<IspOpsEnv>;

/** After money arrives or a debt shrinks: lift dunning's walled garden or suspension once settled. */
async function restoreAfter(c: Ctx, subscriberId: string) {
  const { db, disconnect, reauthorize } = c.var.deps;
  await restoreIfSettled(db, { disconnect, reauthorize }, staffOf(c).id, subscriberId);
}

/** A receipt to the subscriber, when the tenant mails and they have an address; audited either way. */
async function sendReceipt(
  c: Ctx,
  input: Pick<PaymentCreate, "subscriberId" | "amountMinor" | "currency">,
  payment: { id: string; creditMinor: number },
) {
  const { db, mail } = c.var.deps;
  if (!mail) return;
  const [s] = await db
    .select({ name: subscribers.name, email: subscribers.email })
    .from(subscribers)
    .where(eq(subscribers.id, input.subscriberId));
  if (!s?.email) return;
  const outcome = await mail
    .send(
      receipt(await billingBrand(db, mail.brand), {
        to: s.email,
        name: s.name,
        paymentId: payment.id,
        ...input,
        creditMinor: payment.creditMinor,
      }),
    )
    .then(
      ({ messageId }) => ({ sent: messageId }),
      (error: unknown) => ({ failed: (error as Error).message }),
    );
  await audit(
    db,
    { system: "mail" },
    {
      action: "payment.receipt",
      targetType: "payment",
      targetId: payment.id,
      after: { to: s.email, ...outcome },
    },
  );
}

/** A subscriber named in a path must exist. */
async function subscriberIn(c: Ctx, id: string) {
  knownId(id, "subscriber");
  const [subscriber] = await c.var.deps.db
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(eq(subscribers.id, id));
  if (!subscriber) throw new ProblemError(404, { detail: "no such subscriber" });
  return id;
}

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
      await deliverInvoices(db, c.var.deps.mail);
      return c.json({ id }, 201);
    })
    .openapi(routes.invoice, async (c) => {
      const found = await invoiceDetail(c.var.deps.db, knownId(c.req.valid("param").id, "invoice"));
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      return c.json(found, 200);
    })
    .openapi(routes.voidInvoice, async (c) => {
      const id = knownId(c.req.valid("param").id, "invoice");
      const voided = await voidInvoice(c.var.deps.db, staffOf(c).id, id, c.req.valid("json").reason);
      await restoreAfter(c, voided.subscriberId);
      return c.json({ id: voided.id, status: voided.status }, 200);
    })
    .openapi(routes.creditNote, async (c) => {
      const id = knownId(c.req.valid("param").id, "invoice");
      const credited = await creditNote(c.var.deps.db, staffOf(c).id, id, c.req.valid("json"));
      await restoreAfter(c, credited.subscriberId);
      await deliverInvoices(c.var.deps.db, c.var.deps.mail);
      return c.json({ id: credited.id, invoiceStatus: credited.invoiceStatus }, 201);
    })
    .openapi(routes.recordPayment, async (c) => {
      const input = c.req.valid("json");
      const recorded = await recordPayment(c.var.deps.db, staffOf(c).id, input);
      await restoreAfter(c, input.subscriberId);
      await sendReceipt(c, input, recorded);
      return c.json(recorded, 201);
    })
    .openapi(routes.mailTest, async (c) => {
      const { db, mail } = c.var.deps;
      if (!mail) throw new ProblemError(503, { detail: "this tenant has no mail relay configured" });
      const { to } = c.req.valid("json");
      const message = branded(
        await billingBrand(db, mail.brand),
        to,
        `Test message from ${mail.brand.name}`,
        [
          "This is a test message from your isp-ops billing settings: invoices, receipts and notices will be sent the same way.",
        ],
      );
      let messageId: string;
      try {
        ({ messageId } = await mail.send(message));
      } catch (error) {
        throw new ProblemError(502, { detail: `the mail relay refused: ${(error as Error).message}` });
      }
      await audit(db, staffOf(c).id, {
        action: "billing.mail_test",
        targetType: "mail",
        targetId: null,
        after: { to, messageId },
      });
      return c.json({ messageId }, 201);
    })
    .openapi(routes.overview, async (c) => c.json(await billingOverview(c.var.deps.db), 200))
    .openapi(routes.refund, async (c) => {
      const id = await subscriberIn(c, c.req.valid("param").id);
      const made = await refund(c.var.deps.db, c.var.deps.gateway, staffOf(c).id, id, c.req.valid("json"));
      return c.json(made, 201);
    })
    .openapi(routes.subscriberBilling, async (c) => {
      const id = await subscriberIn(c, c.req.valid("param").id);
      return c.json(await subscriberBilling(c.var.deps.db, id), 200);
    })
    .openapi(routes.dunning, async (c) => {
      const id = await subscriberIn(c, c.req.valid("param").id);
      return c.json(await dunningState(c.var.deps.db, id), 200);
    })
    .openapi(routes.pauseDunning, async (c) => {
      const id = await subscriberIn(c, c.req.valid("param").id);
      await pauseDunning(c.var.deps.db, staffOf(c).id, id, c.req.valid("json"));
      return c.json(await dunningState(c.var.deps.db, id), 200);
    })
    .openapi(routes.receiptPdf, async (c) => {
      const found = await paymentReceipt(c.var.deps.db, knownId(c.req.valid("param").id, "payment"));
      if (!found) throw new ProblemError(404, { detail: "no such payment" });
      const file = await receiptPdfFile(c.var.deps, found);
      return c.body(file.bytes, 200, file.headers);
    })
    .openapi(routes.invoicePdf, async (c) => {
      const found = await invoiceDetail(c.var.deps.db, knownId(c.req.valid("param").id, "invoice"));
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      const file = await invoicePdfFile(c.var.deps, found);
      return c.body(file.bytes, 200, file.headers);
    })
    .openapi(routes.checkout, async (c) => {
      const found = await invoiceDetail(c.var.deps.db, knownId(c.req.valid("param").id, "invoice"));
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      const back = `/dashboard/billing/${found.id}`;
      return c.json(await startCheckout(c.var.deps, found, back, staffOf(c).id), 201);
    })
    .openapi(routes.stripeWebhook, async (c) => {
      const { db, gateway } = c.var.deps;
      if (!gateway) throw new ProblemError(503, { detail: "this tenant takes no card payments" });
      const settled = gateway.settlement(await c.req.text(), c.req.header("stripe-signature"));
      if (!settled) return c.json({ received: true as const, recorded: false }, 200);
      const [invoice] = await db
        .select({ subscriberId: invoices.subscriberId })
        .from(invoices)
        .where(eq(invoices.id, settled.invoiceId));
      // Signed by the tenant's own endpoint secret, but a metadata pair we never wrote is refused.
      if (invoice?.subscriberId !== settled.subscriberId)
        throw new ProblemError(400, { detail: "the event names an invoice of another subscriber, or none" });
      const recorded = await recordSettlement(db, settled);
      if (recorded) {
        await restoreIfSettled(db, c.var.deps, "system", settled.subscriberId);
        await sendReceipt(c, settled, recorded);
      }
      return c.json({ received: true as const, recorded: recorded !== undefined }, 200);
    })
    .openapi(routes.runDunning, async (c) => {
      const { db, disconnect, reauthorize, mail } = c.var.deps;
      return c.json(
        await runDunning(db, { disconnect, reauthorize, mail }, staffOf(c).id, c.req.valid("json").asOf),
        200,
      );
    })
    .openapi(routes.runBilling, async (c) => {
      const { db, mail } = c.var.deps;
      const run = await runBilling(db, staffOf(c).id, c.req.valid("json").asOf);
      await deliverInvoices(db, mail);
      return c.json(run, 200);
    })
    .openapi(routes.billingRuns, async (c) => {
      const items = await c.var.deps.db
        .select()
        .from(billingRuns)
        .orderBy(desc(billingRuns.startedAt))
        .limit(20);
      return c.json({ items }, 200);
    });
}
