import type { PaymentCreate, PaymentMethod } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { paymentAllocations, payments, type TenantTx } from "@dotmac/tenant-db";
import { sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { Settlement } from "./gateway.ts";
import { openAmount, openInvoices, settle } from "./invoices.ts";
import { type Db, post, requireSubscriber, settingsOf } from "./ledger.ts";

/**
 * Payments of a subscriber with money neither allocated to an invoice nor refunded: their credit,
 * oldest payment first.
 */
export async function unallocated(db: Db, subscriberId: string) {
  const rows = await db.execute<{
    id: string;
    method: PaymentMethod;
    reference: string | null;
    left: string;
  }>(sql`
    select * from (
      select p.id, p.method, p.reference, p.received_at,
             p.amount_minor
               - coalesce((select sum(a.amount_minor) from payment_allocations a where a.payment_id = p.id), 0)
               - coalesce((select sum(r.amount_minor) from refunds r where r.payment_id = p.id), 0) as left
        from payments p where p.subscriber_id = ${subscriberId}) m
     where m.left > 0
     order by m.received_at, m.id`);
  return rows.map((r) => ({ id: r.id, method: r.method, reference: r.reference, left: Number(r.left) }));
}

/**
 * Spends a subscriber's unallocated payments on their open invoices: the preferred ones first,
 * then the oldest due. Called after a payment and after an invoice is issued, so credit from an
 * overpayment pays the next invoice by itself.
 */
export async function allocate(tx: TenantTx, subscriberId: string, preferred: readonly string[] = []) {
  const money = await unallocated(tx, subscriberId);
  const made: { invoiceId: string; paymentId: string; amountMinor: number }[] = [];
  for (const invoiceId of await openInvoices(tx, subscriberId, preferred)) {
    let { open } = await openAmount(tx, invoiceId);
    for (const payment of money) {
      if (open <= 0) break;
      const take = Math.min(open, payment.left);
      if (take <= 0) continue;
      await tx
        .insert(paymentAllocations)
        .values({ paymentId: payment.id, invoiceId, amountMinor: take })
        .onConflictDoUpdate({
          target: [paymentAllocations.paymentId, paymentAllocations.invoiceId],
          set: { amountMinor: sql`${paymentAllocations.amountMinor} + ${take}` },
        });
      payment.left -= take;
      open -= take;
      made.push({ invoiceId, paymentId: payment.id, amountMinor: take });
    }
    await settle(tx, invoiceId);
    if (money.every((p) => p.left <= 0)) break;
  }
  return made;
}

interface Taken {
  readonly subscriberId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly method: PaymentMethod;
  readonly reference?: string | undefined;
  readonly invoiceIds?: readonly string[] | undefined;
  readonly gatewayEventId?: string | undefined;
}

/**
 * A payment onto the ledger, then onto the invoices (the named ones first), in the caller's
 * transaction; undefined when a gateway event was recorded already (its unique index).
 */
async function take(tx: TenantTx, actor: string, input: Taken) {
  const settings = await settingsOf(tx);
  if (input.currency !== settings.currency) {
    const message = `this tenant bills in ${settings.currency}`;
    throw new ProblemError(400, { detail: message, errors: [{ path: "currency", message }] });
  }
  await requireSubscriber(tx, input.subscriberId);
  const [payment] = await tx
    .insert(payments)
    .values({
      subscriberId: input.subscriberId,
      method: input.method,
      reference: input.reference ?? null,
      amountMinor: input.amountMinor,
      currency: input.currency,
      recordedBy: actor,
      gatewayEventId: input.gatewayEventId ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!payment) return undefined;
  await post(tx, {
    subscriberId: input.subscriberId,
    kind: "payment",
    amountMinor: -input.amountMinor,
    currency: input.currency,
    description: `Payment (${input.method.replace("_", " ")})${input.reference ? ` ${input.reference}` : ""}`,
    actor,
    paymentId: payment.id,
  });
  const allocations = (await allocate(tx, input.subscriberId, input.invoiceIds)).filter(
    (a) => a.paymentId === payment.id,
  );
  const allocated = allocations.reduce((a, x) => a + x.amountMinor, 0);
  await audit(tx, actor, {
    action: input.gatewayEventId ? "payment.gateway" : "payment.record",
    targetType: "payment",
    targetId: payment.id,
    after: {
      subscriberId: input.subscriberId,
      amountMinor: input.amountMinor,
      method: input.method,
      ...(input.gatewayEventId ? { gatewayEventId: input.gatewayEventId } : {}),
      allocations,
    },
  });
  return {
    id: payment.id,
    allocations: allocations.map(({ invoiceId, amountMinor }) => ({ invoiceId, amountMinor })),
    creditMinor: input.amountMinor - allocated,
  };
}

/** A payment staff took (cash, transfer, mobile money): on the ledger, then on the invoices. */
export async function recordPayment(db: Db, actor: string, input: PaymentCreate) {
  return db.transaction(async (tx) => {
    const taken = await take(tx, actor, input);
    if (!taken) throw new Error("a payment without a gateway event cannot be a duplicate");
    return taken;
  });
}

/** A card payment a gateway's verified webhook reports, once however often it is delivered. */
export async function recordSettlement(db: Db, s: Settlement) {
  return db.transaction((tx) =>
    take(tx, "system", {
      subscriberId: s.subscriberId,
      amountMinor: s.amountMinor,
      currency: s.currency,
      method: "card",
      reference: s.reference,
      invoiceIds: [s.invoiceId],
      gatewayEventId: s.eventId,
    }),
  );
}
