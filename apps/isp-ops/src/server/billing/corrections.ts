import type { CreditNoteCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { invoices, type TenantTx } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { audit } from "../audit.ts";
import { issue, openAmount, settle } from "./invoices.ts";
import { type Db, post } from "./ledger.ts";

// Corrections of an issued invoice: voiding it, or crediting part or all of it.

async function lockInvoice(tx: TenantTx, id: string) {
  const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, id)).for("update");
  if (!invoice) throw new ProblemError(404, { detail: "no such invoice" });
  return invoice;
}

/** Cancels an invoice nothing was paid or credited against; its charge is reversed on the ledger. */
export async function voidInvoice(db: Db, actor: string, id: string, reason: string) {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, id);
    if (invoice.kind !== "invoice" || invoice.status === "void" || invoice.status === "draft") {
      throw new ProblemError(409, {
        detail: `a ${invoice.status} ${invoice.kind.replace("_", " ")} cannot be voided`,
      });
    }
    const { covered } = await openAmount(tx, id);
    if (covered > 0) {
      throw new ProblemError(409, {
        detail:
          "payments or credit notes cover part of this invoice: issue a credit note for the rest instead",
      });
    }
    await tx.update(invoices).set({ status: "void", note: reason }).where(eq(invoices.id, id));
    if (invoice.totalMinor > 0) {
      await post(tx, {
        subscriberId: invoice.subscriberId,
        kind: "adjustment",
        amountMinor: -invoice.totalMinor,
        currency: invoice.currency,
        description: `Void of invoice ${invoice.number}: ${reason}`,
        actor,
        invoiceId: id,
      });
    }
    await audit(tx, actor, {
      action: "invoice.void",
      targetType: "invoice",
      targetId: id,
      after: { reason },
      before: { status: invoice.status },
    });
    return { id, status: "void" as const, subscriberId: invoice.subscriberId };
  });
}

type Invoice = typeof invoices.$inferSelect;

/**
 * Issues a credit note of `amountMinor` against `invoice`: one line whose net and tax split as
 * the invoice's did. The caller has checked the amount and settles the invoice after.
 */
export async function creditInvoice(
  tx: TenantTx,
  actor: string,
  invoice: Invoice,
  amountMinor: number,
  reason: string,
  description = `Credit for invoice ${invoice.number}: ${reason}`,
) {
  const taxMinor =
    invoice.totalMinor === 0 ? 0 : Math.round((amountMinor * invoice.taxMinor) / invoice.totalMinor);
  const [id] = await issue(tx, [
    {
      subscriberId: invoice.subscriberId,
      currency: invoice.currency,
      kind: "credit_note",
      creditsInvoiceId: invoice.id,
      actor,
      note: reason,
      lines: [
        {
          kind: "one_off",
          description,
          quantity: 1,
          unitMinor: amountMinor,
          netMinor: amountMinor - taxMinor,
          taxMinor,
          totalMinor: amountMinor,
          taxes: [],
        },
      ],
    },
  ]);
  if (!id) throw new Error("issued nothing");
  return id;
}

/** A credit note staff issue against an issued invoice, for at most what is still open on it. */
export async function creditNote(db: Db, actor: string, id: string, input: CreditNoteCreate) {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, id);
    if (invoice.kind !== "invoice" || invoice.status === "void" || invoice.status === "draft") {
      throw new ProblemError(409, {
        detail: `a ${invoice.status} ${invoice.kind.replace("_", " ")} cannot be credited`,
      });
    }
    const { open } = await openAmount(tx, id);
    if (input.amountMinor > open) {
      const message = `at most the invoice's open amount, ${open}`;
      throw new ProblemError(400, { detail: message, errors: [{ path: "amountMinor", message }] });
    }
    const noteId = await creditInvoice(tx, actor, invoice, input.amountMinor, input.reason);
    const status = await settle(tx, id);
    return { id: noteId, invoiceStatus: status, subscriberId: invoice.subscriberId };
  });
}
