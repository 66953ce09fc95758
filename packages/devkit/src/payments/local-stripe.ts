import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { slugFromLocalHost } from "@dotmac/contracts";
import { hostClient } from "../net/host-client.ts";
import { localSecret, localTenantAdmin } from "../services.ts";
import { checkoutCompleted } from "./checkout-event.ts";

/** The Stripe test account `npm start` gives every tenant: stripe-mock takes any `sk_test_<word>` key (a third `_` part it refuses). */
export const LOCAL_STRIPE_SECRET_KEY = "sk_test_dotmaclocal";

/** The local endpoint secret tenants' webhooks verify with, generated once in the state dir. */
export const localStripeWebhookSecret = async (stateDir: string) =>
  `whsec_${await localSecret(join(stateDir, "stripe", "webhook-secret"))}`;

/**
 * What Stripe does once a subscriber has paid on Checkout, for a tenant `npm start` runs:
 * stripe-mock serves no Checkout page and sends no webhooks, so this signs in to the tenant's
 * isp-ops as its local admin, finds the invoice by number and what is open on it, and delivers
 * `checkout.session.completed` for that amount to the tenant's webhook, signed with the local
 * endpoint secret as Stripe signs its events (the Stripe CLI's `trigger`, for our tenants).
 */
export async function payLocally(stateDir: string, ispOpsUrl: string, number: string) {
  const url = new URL(ispOpsUrl);
  const slug = slugFromLocalHost(url.host);
  if (!slug) throw new Error(`${ispOpsUrl} is not a local tenant's isp-ops (http://<slug>.localhost:<port>)`);
  const port = Number(url.port || 80);
  const staff = hostClient(port, url.hostname);
  const admin = localTenantAdmin(stateDir, slug);
  const password = (await readFile(admin.passwordFile, "utf8").catch(() => "")).trim();
  const signedIn = await staff("POST", "/api/v1/auth/login", { email: admin.email, password });
  if (signedIn.status !== 200) throw new Error(`signing in as ${admin.email} failed: ${signedIn.text}`);
  const found = await staff("GET", `/api/v1/invoices?q=${encodeURIComponent(number)}`);
  const invoice = (
    JSON.parse(found.text) as {
      items?: { id: string; number: string; subscriberId: string; openMinor: number; currency: string }[];
    }
  ).items?.find((i) => i.number === number);
  if (!invoice) throw new Error(`${slug} has no invoice ${number}`);
  if (invoice.openMinor <= 0) throw new Error(`nothing is open on ${number}`);
  const { payload, signature } = checkoutCompleted(
    {
      eventId: `evt_local_${crypto.randomUUID().replaceAll("-", "")}`,
      sessionId: `cs_test_local_${invoice.id.replaceAll("-", "")}`,
      paymentIntent: `pi_local_${crypto.randomUUID().replaceAll("-", "")}`,
      invoiceId: invoice.id,
      subscriberId: invoice.subscriberId,
      amountMinor: invoice.openMinor,
      currency: invoice.currency,
    },
    await localStripeWebhookSecret(stateDir),
  );
  const delivered = await staff("POST", "/api/v1/payments/stripe/webhook", payload, {
    "stripe-signature": signature,
  });
  if (delivered.status !== 200)
    throw new Error(`the webhook was refused (${delivered.status}): ${delivered.text}`);
  return { number, amountMinor: invoice.openMinor, currency: invoice.currency };
}
