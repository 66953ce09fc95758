import type { BillingSettingsUpdate, TaxRateCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { billingSettings, invoices, servicePlans, type TenantDb, taxRates } from "@dotmac/tenant-db";
import { eq, ne } from "drizzle-orm";
import { audit } from "../audit.ts";
import { constraintProblem } from "../constraints.ts";
import { settingsOf } from "./ledger.ts";

const view = (s: Awaited<ReturnType<typeof settingsOf>>) => ({
  currency: s.currency,
  billingDay: s.billingDay,
  invoicePrefix: s.invoicePrefix,
  paymentTermsDays: s.paymentTermsDays,
  dunningPolicy: s.dunningPolicy,
  walledGardenAttributes: s.walledGardenAttributes,
  invoiceFooter: s.invoiceFooter,
});

export const billingSettingsView = async (db: TenantDb) => view(await settingsOf(db));

/**
 * Changes the tenant's billing settings. The currency is the one every plan and payment uses, so
 * it changes only while no invoice exists, and only to the plans' own currency.
 */
export async function updateBillingSettings(db: TenantDb, actor: string, input: BillingSettingsUpdate) {
  return db.transaction(async (tx) => {
    const before = await settingsOf(tx);
    if (input.currency && input.currency !== before.currency) {
      const [invoiced] = await tx.select({ id: invoices.id }).from(invoices).limit(1);
      const [otherPlan] = await tx
        .select({ name: servicePlans.name })
        .from(servicePlans)
        .where(ne(servicePlans.currency, input.currency))
        .limit(1);
      const refusal = invoiced
        ? "invoices exist in the current currency"
        : otherPlan
          ? `the plan ${otherPlan.name} is priced in another currency`
          : undefined;
      if (refusal) {
        throw new ProblemError(409, { detail: refusal, errors: [{ path: "currency", message: refusal }] });
      }
    }
    const change = input.invoiceFooter === "" ? { ...input, invoiceFooter: null } : input;
    const [after] = await tx.update(billingSettings).set(change).where(eq(billingSettings.id, 1)).returning();
    if (!after) throw new Error("billing_settings has no row");
    await audit(tx, actor, {
      action: "billing.settings",
      targetType: "billing_settings",
      targetId: null,
      after: view(after),
      before: view(before),
    });
    return view(after);
  });
}

export const listTaxRates = (db: TenantDb) => db.select().from(taxRates).orderBy(taxRates.name);

export async function createTaxRate(db: TenantDb, actor: string, input: TaxRateCreate) {
  try {
    return await db.transaction(async (tx) => {
      const [rate] = await tx.insert(taxRates).values(input).returning();
      if (!rate) throw new Error("insert returned nothing");
      await audit(tx, actor, {
        action: "tax_rate.create",
        targetType: "tax_rate",
        targetId: rate.id,
        after: input,
      });
      return rate;
    });
  } catch (error) {
    throw constraintProblem(error);
  }
}

/** A plan's price must be in the tenant's currency: one currency per tenant. */
export async function checkPlanCurrency(db: TenantDb, currency: string): Promise<void> {
  const settings = await settingsOf(db);
  if (currency !== settings.currency) {
    const message = `this tenant bills in ${settings.currency}`;
    throw new ProblemError(400, { detail: message, errors: [{ path: "currency", message }] });
  }
}
