import { randomUUID } from "node:crypto";
import type { RefundCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { refunds, type TenantDb } from "@dotmac/tenant-db";
import { sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { PaymentGateway } from "./gateway.ts";
import { post, requireSubscriber, settingsOf } from "./ledger.ts";
import { unallocated } from "./payments.ts";

/**
 * Gives a subscriber back part of their credit, taken from their latest payments first. A card
 * payment's part goes back through the gateway, keyed by the refund's id so a retry refunds once;
 * it is recorded in the same transaction, and a gateway that refuses rolls the whole refund back.
 */
export async function refund(
  db: TenantDb,
  gateway: PaymentGateway | undefined,
  actor: string,
  subscriberId: string,
  input: RefundCreate,
) {
  return db.transaction(async (tx) => {
    await requireSubscriber(tx, subscriberId);
    // Two refunds at once must not both spend the same credit: they queue on the subscriber.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`refund:${subscriberId}`}, 0))`);
    const { currency } = await settingsOf(tx);
    const money = (await unallocated(tx, subscriberId)).reverse();
    const credit = money.reduce((a, p) => a + p.left, 0);
    if (input.amountMinor > credit) {
      const message = `at most the account's credit, ${credit}`;
      throw new ProblemError(400, { detail: message, errors: [{ path: "amountMinor", message }] });
    }
    const made = [];
    let left = input.amountMinor;
    for (const payment of money) {
      if (left <= 0) break;
      const amountMinor = Math.min(left, payment.left);
      const id = randomUUID();
      let reference = input.reference ?? null;
      if (payment.method === "card") {
        if (!gateway || !payment.reference) {
          throw new ProblemError(409, {
            detail:
              "part of this credit is a card payment, which only its gateway can refund: none is configured",
          });
        }
        reference = await gateway.refund({
          paymentReference: payment.reference,
          amountMinor,
          idempotencyKey: id,
        });
      }
      await tx.insert(refunds).values({
        id,
        subscriberId,
        paymentId: payment.id,
        amountMinor,
        currency,
        reason: input.reason,
        reference,
        recordedBy: actor,
      });
      await post(tx, {
        subscriberId,
        kind: "refund",
        amountMinor,
        currency,
        description: `Refund (${payment.method.replace("_", " ")})${reference ? ` ${reference}` : ""}: ${input.reason}`,
        actor,
        paymentId: payment.id,
        refundId: id,
      });
      made.push({ id, paymentId: payment.id, amountMinor, method: payment.method, reference });
      left -= amountMinor;
    }
    await audit(tx, actor, {
      action: "refund.record",
      targetType: "subscriber",
      targetId: subscriberId,
      after: { reason: input.reason, refunds: made },
    });
    return { refunds: made, creditMinor: credit - input.amountMinor };
  });
}
