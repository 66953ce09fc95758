import {
  billingAccounts,
  invoiceLines,
  invoices,
  paymentAllocations,
  payments,
  type TenantTx,
} from "@dotmac/tenant-db";
import { and, asc, desc, eq, gt, ne, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { DuringStatusChange } from "../lifecycle.ts";
import { creditInvoice } from "./corrections.ts";
import { openAmount, settle } from "./invoices.ts";
import { settingsOf } from "./ledger.ts";
import { addDays, lineAmounts, prorate } from "./money.ts";
import { allocate } from "./payments.ts";
import { billableOf, billSubscribers } from "./runs.ts";

/**
 * Billing follows the service by day. When a subscriber stops being served on day `on`
 * (suspension, termination, or the old plan of a plan change), every day before `on` is billed
 * and the days from `on` to the end of each period invoiced in advance are credited, prorated from the
 * cycle's price with `prorate` (money.ts); when service starts again, billing starts there. So
 * what a period costs is the sum of the prorated parts it was served: suspended days cost
 * nothing, and a plan change bills each plan for its own days.
 */
export async function stopBilling(tx: TenantTx, subscriberId: string, on: string, actor: string) {
  const billable = await billableOf(tx, subscriberId);
  if (billable) {
    const { billingDay } = await settingsOf(tx);
    // Prepaid: the periods begun before `on` (the last one is credited below). Postpaid: every day
    // before `on`, in arrears, now.
    if (billable.mode === "prepaid")
      await billSubscribers(tx, [billable], billingDay, addDays(on, -1), actor);
    else await billSubscribers(tx, [billable], billingDay, on, actor, on);
  }
  const [account] = await tx
    .select()
    .from(billingAccounts)
    .where(eq(billingAccounts.subscriberId, subscriberId))
    .for("update");
  if (!account) return;
  const billed = await tx
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.subscriberId, subscriberId),
        eq(invoices.kind, "invoice"),
        ne(invoices.status, "void"),
        eq(invoices.segment, account.segment),
        gt(invoices.periodEnd, on),
      ),
    )
    .for("update");
  const credits = [];
  for (const invoice of billed) {
    const credit = await creditUnusedDays(tx, actor, invoice, on);
    if (credit) credits.push(credit);
  }
  await tx
    .update(billingAccounts)
    .set({ billedThrough: on, segment: account.segment + 1 })
    .where(eq(billingAccounts.subscriberId, subscriberId));
  await audit(tx, actor, {
    action: "billing.stop",
    targetType: "subscriber",
    targetId: subscriberId,
    after: { on, credits },
    before: { billedThrough: account.billedThrough },
  });
  // Money a credit note set free pays what else is open.
  if (credits.length > 0) await allocate(tx, subscriberId);
}

/** Billing starts again on `on`: the next billing run bills from there. */
export async function startBilling(tx: TenantTx, subscriberId: string, on: string) {
  const { billingDay } = await settingsOf(tx);
  await tx
    .insert(billingAccounts)
    .values({ subscriberId, anchorDay: billingDay ?? Number(on.slice(8, 10)), billedThrough: on })
    .onConflictDoUpdate({
      target: billingAccounts.subscriberId,
      set: { billedThrough: sql`greatest(${billingAccounts.billedThrough}, ${on}::date)` },
    });
}

/** Billing stops when a subscriber leaves `active`, and starts again when a suspension ends. */
export const billStatusChange =
  (on: string): DuringStatusChange =>
  async (tx, change) => {
    if (change.from === "active") await stopBilling(tx, change.subscriberId, on, change.actor);
    else if (change.from === "suspended" && change.to === "active") {
      await startBilling(tx, change.subscriberId, on);
    }
  };

type Invoice = typeof invoices.$inferSelect;

/**
 * Credits the days of `invoice`'s period from `on` (or all of it, if it starts later). The credit
 * can be more than is still open (the invoice was paid): the payments it frees become credit.
 */
async function creditUnusedDays(tx: TenantTx, actor: string, invoice: Invoice, on: string) {
  const { periodStart, periodEnd, cycleStart, cyclePriceMinor } = invoice;
  if (!periodStart || !periodEnd || !cycleStart || cyclePriceMinor === null) return undefined;
  const from = periodStart > on ? periodStart : on;
  const gross = prorate(cyclePriceMinor, { start: cycleStart, end: periodEnd }, from, periodEnd);
  const [line] = await tx
    .select({ taxes: invoiceLines.taxes })
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, invoice.id))
    .orderBy(asc(invoiceLines.position))
    .limit(1);
  const { total, credited, open } = await openAmount(tx, invoice.id);
  const amountMinor = Math.min(lineAmounts(gross, line?.taxes ?? []).totalMinor, total - credited);
  if (amountMinor <= 0) return undefined;
  await release(tx, invoice.id, amountMinor - Math.max(0, open));
  const id = await creditInvoice(
    tx,
    actor,
    invoice,
    amountMinor,
    `service stopped on ${from}`,
    `Unused days ${from} to ${periodEnd} of invoice ${invoice.number}`,
  );
  await settle(tx, invoice.id);
  return { invoiceId: invoice.id, creditNoteId: id, amountMinor };
}

/** Takes `amountMinor` of payments off an invoice, the latest payment's first. */
async function release(tx: TenantTx, invoiceId: string, amountMinor: number) {
  let left = amountMinor;
  const allocations = await tx
    .select({ paymentId: paymentAllocations.paymentId, amountMinor: paymentAllocations.amountMinor })
    .from(paymentAllocations)
    .innerJoin(payments, eq(payments.id, paymentAllocations.paymentId))
    .where(eq(paymentAllocations.invoiceId, invoiceId))
    .orderBy(desc(payments.receivedAt), desc(payments.id));
  for (const a of allocations) {
    if (left <= 0) break;
    const take = Math.min(left, a.amountMinor);
    const where = and(
      eq(paymentAllocations.paymentId, a.paymentId),
      eq(paymentAllocations.invoiceId, invoiceId),
    );
    if (take === a.amountMinor) await tx.delete(paymentAllocations).where(where);
    else
      await tx
        .update(paymentAllocations)
        .set({ amountMinor: a.amountMinor - take })
        .where(where);
    left -= take;
  }
}
