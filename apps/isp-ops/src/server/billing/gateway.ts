import { ProblemError } from "@dotmac/http/problem";
import Stripe from "stripe";

/** A hosted page where the subscriber pays an invoice by card. */
export interface CardCheckout {
  readonly sessionId: string;
  readonly url: string;
}

/** What a verified gateway event says was paid. */
export interface Settlement {
  /** The gateway's event id: the same delivery twice records one payment. */
  readonly eventId: string;
  readonly invoiceId: string;
  readonly subscriberId: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** The gateway's own reference for the payment, shown to staff. */
  readonly reference: string;
}

/**
 * A card payment gateway: Stripe today, any other behind the same two calls (a checkout page for
 * an invoice, and the settlement its signed webhook reports).
 */
export interface PaymentGateway {
  readonly name: string;
  checkout(input: {
    invoiceId: string;
    subscriberId: string;
    number: string;
    amountMinor: number;
    currency: string;
    email: string | null;
    returnUrl: string;
  }): Promise<CardCheckout>;
  /**
   * A webhook delivery, its signature checked (a 400 when it does not verify): the payment it
   * settles, or null for an event that settles nothing.
   */
  settlement(rawBody: string, signature: string | undefined): Settlement | null;
  /**
   * Gives back part of a card payment (its settlement's reference); `idempotencyKey` makes a
   * retried call refund once. Answers the gateway's reference for the refund.
   */
  refund(input: { paymentReference: string; amountMinor: number; idempotencyKey: string }): Promise<string>;
}

/** How long a Stripe call may take before the subscriber or staff member is told it failed. */
export const STRIPE_TIMEOUT_MS = 15_000;

/**
 * Stripe Checkout through the stripe SDK: a Checkout Session per invoice (its id in the metadata),
 * settled by `checkout.session.completed` once paid. `apiUrl` aims the SDK elsewhere than Stripe
 * itself: stripe-mock, locally and in tests.
 */
export function stripeGateway(opts: {
  secretKey: string;
  webhookSecret: string;
  apiUrl?: string | undefined;
  /** Per request to Stripe (the SDK waits 80 s by default). */
  timeoutMs?: number;
}): PaymentGateway {
  const api = opts.apiUrl ? new URL(opts.apiUrl) : undefined;
  const stripe = new Stripe(opts.secretKey, {
    timeout: opts.timeoutMs ?? STRIPE_TIMEOUT_MS,
    ...(api
      ? {
          host: api.hostname,
          port: api.port || (api.protocol === "https:" ? 443 : 80),
          protocol: api.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
  return {
    name: "stripe",
    async checkout(input) {
      const metadata = { invoiceId: input.invoiceId, subscriberId: input.subscriberId };
      const session = await stripe.checkout.sessions
        .create({
          mode: "payment",
          client_reference_id: input.invoiceId,
          ...(input.email ? { customer_email: input.email } : {}),
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: input.currency.toLowerCase(),
                unit_amount: input.amountMinor,
                product_data: { name: `Invoice ${input.number}` },
              },
            },
          ],
          metadata,
          payment_intent_data: { metadata },
          success_url: input.returnUrl,
          cancel_url: input.returnUrl,
        })
        .catch((error: Error) => {
          throw new ProblemError(502, { detail: `Stripe refused the Checkout Session: ${error.message}` });
        });
      if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
      return { sessionId: session.id, url: session.url };
    },
    async refund(input) {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: input.paymentReference, amount: input.amountMinor },
          { idempotencyKey: input.idempotencyKey },
        );
        return refund.id;
      } catch (error) {
        throw new ProblemError(502, { detail: `Stripe refused the refund: ${(error as Error).message}` });
      }
    },
    settlement(rawBody, signature) {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature ?? "", opts.webhookSecret);
      } catch {
        throw new ProblemError(400, { detail: "the Stripe-Signature header does not verify" });
      }
      if (event.type !== "checkout.session.completed") return null;
      const session = event.data.object;
      const { invoiceId, subscriberId } = session.metadata ?? {};
      if (session.payment_status !== "paid" || !invoiceId || !subscriberId || !session.amount_total)
        return null;
      const intent = session.payment_intent;
      return {
        eventId: event.id,
        invoiceId,
        subscriberId,
        amountMinor: session.amount_total,
        currency: (session.currency ?? "").toUpperCase(),
        reference: typeof intent === "string" ? intent : (intent?.id ?? session.id),
      };
    },
  };
}
