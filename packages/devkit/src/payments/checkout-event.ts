import Stripe from "stripe";

/** What a completed Checkout paid: the ids Stripe would give, and the invoice it was for. */
export interface CheckoutPaid {
  readonly eventId: string;
  readonly sessionId: string;
  readonly paymentIntent: string;
  readonly invoiceId: string;
  readonly subscriberId: string;
  readonly amountMinor: number;
  /** ISO 4217, any case. */
  readonly currency: string;
}

/**
 * The `checkout.session.completed` event Stripe sends once a subscriber has paid (stripe-mock
 * sends none), `session` overriding fields of the Checkout Session, and its Stripe-Signature
 * header for the endpoint secret, made as Stripe makes it.
 */
export function checkoutCompleted(paid: CheckoutPaid, secret: string, session: Record<string, unknown> = {}) {
  const payload = JSON.stringify({
    id: paid.eventId,
    object: "event",
    type: "checkout.session.completed",
    api_version: "2026-11-01",
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: paid.sessionId,
        object: "checkout.session",
        payment_status: "paid",
        amount_total: paid.amountMinor,
        currency: paid.currency.toLowerCase(),
        payment_intent: paid.paymentIntent,
        metadata: { invoiceId: paid.invoiceId, subscriberId: paid.subscriberId },
        ...session,
      },
    },
  });
  const signature = new Stripe("sk_test_signer").webhooks.generateTestHeaderString({ payload, secret });
  return { payload, signature };
}
