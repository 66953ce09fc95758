import { ProblemError } from "@dotmac/http/problem";
import { subscribers } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { type Actor, audit } from "../audit.ts";
import { neutralBrand } from "../branding.ts";
import type { IspOpsDeps } from "../deps.ts";
import { tenantLink } from "../public-url.ts";
import { billingBrand } from "./ledger.ts";
import { invoicePdf, receiptPdf } from "./pdf.ts";
import type { paymentReceipt } from "./receipts.ts";
import type { invoiceDetail } from "./views.ts";

type Invoice = NonNullable<Awaited<ReturnType<typeof invoiceDetail>>>;

// What staff and the subscriber both do with an invoice, once each: its PDF, and a card payment.

/** The invoice as a PDF in the tenant's branding, with the headers it is served with. */
export async function invoicePdfFile(deps: Pick<IspOpsDeps, "db" | "brand">, invoice: Invoice) {
  const [s] = await deps.db
    .select({ serviceAddress: subscribers.serviceAddress })
    .from(subscribers)
    .where(eq(subscribers.id, invoice.subscriberId));
  const pdf = await invoicePdf(
    await billingBrand(deps.db, deps.brand ?? neutralBrand),
    invoice,
    s?.serviceAddress ?? "",
  );
  return {
    bytes: new Uint8Array(pdf),
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${invoice.number ?? invoice.id}.pdf"`,
    },
  };
}

/** A payment's receipt as a PDF in the tenant's branding. */
export async function receiptPdfFile(
  deps: Pick<IspOpsDeps, "db" | "brand">,
  receipt: NonNullable<Awaited<ReturnType<typeof paymentReceipt>>>,
) {
  const pdf = await receiptPdf(await billingBrand(deps.db, deps.brand ?? neutralBrand), receipt);
  return {
    bytes: new Uint8Array(pdf),
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="receipt-${receipt.receivedAt.slice(0, 10)}.pdf"`,
    },
  };
}

/** A card payment page (Stripe Checkout) for what is open on the invoice; back to `returnUrl` after. */
export async function startCheckout(
  deps: Pick<IspOpsDeps, "db" | "gateway" | "publicUrl">,
  invoice: Invoice,
  /** Where Stripe sends the payer back to, on the tenant's own address. */
  returnPath: string,
  actor: Actor,
) {
  const { db, gateway } = deps;
  if (!gateway) throw new ProblemError(503, { detail: "this tenant takes no card payments" });
  if (invoice.kind !== "invoice" || invoice.openMinor <= 0 || !invoice.number || invoice.status === "void")
    throw new ProblemError(409, {
      detail: `nothing is open on this ${invoice.status.replace("_", " ")} invoice`,
    });
  const [s] = await db
    .select({ email: subscribers.email })
    .from(subscribers)
    .where(eq(subscribers.id, invoice.subscriberId));
  const page = await gateway.checkout({
    invoiceId: invoice.id,
    subscriberId: invoice.subscriberId,
    number: invoice.number,
    amountMinor: invoice.openMinor,
    currency: invoice.currency,
    email: s?.email ?? null,
    returnUrl: tenantLink(deps, returnPath),
  });
  await audit(db, actor, {
    action: "invoice.checkout",
    targetType: "invoice",
    targetId: invoice.id,
    after: { gateway: gateway.name, sessionId: page.sessionId, amountMinor: invoice.openMinor },
  });
  return page;
}
