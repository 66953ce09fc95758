import type { LedgerKind } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import {
  billingSettings,
  ledgerEntries,
  subscribers,
  type TenantDb,
  type TenantTx,
  taxRates,
} from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import type { Branding } from "../branding.ts";

export type Db = TenantDb | TenantTx;

/** The tenant's billing settings (the migration inserts the one row). */
export async function settingsOf(db: Db) {
  const [settings] = await db.select().from(billingSettings).where(eq(billingSettings.id, 1));
  if (!settings) throw new Error("billing_settings has no row: the tenant database is not migrated");
  return settings;
}

/** The tenant's branding with its billing footer, for what billing renders and mails. */
export async function billingBrand(db: Db, brand: Branding): Promise<Branding> {
  return { ...brand, footer: (await settingsOf(db)).invoiceFooter };
}

export const activeTaxRates = (db: Db) =>
  db
    .select({ name: taxRates.name, basisPoints: taxRates.basisPoints, inclusive: taxRates.inclusive })
    .from(taxRates)
    .where(eq(taxRates.active, true))
    .orderBy(taxRates.name);

export interface Entry {
  readonly subscriberId: string;
  readonly kind: LedgerKind;
  readonly amountMinor: number;
  readonly currency: string;
  readonly description: string;
  readonly actor: string;
  readonly invoiceId?: string;
  readonly paymentId?: string;
  readonly refundId?: string;
}

export async function post(tx: TenantTx, entry: Entry): Promise<void> {
  await tx.insert(ledgerEntries).values(entry);
}

/** What the subscriber owes (positive) or has in credit (negative): the sum of their ledger. */
export async function balanceOf(db: Db, subscriberId: string): Promise<number> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.subscriberId, subscriberId));
  return Number(row?.balance ?? 0);
}

/** A subscriber a body names must exist: a 400 naming the field, not a foreign-key error. */
export async function requireSubscriber(db: Db, id: string): Promise<void> {
  const [subscriber] = await db
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(eq(subscribers.id, id));
  if (!subscriber) {
    const message = "no such subscriber";
    throw new ProblemError(400, { detail: message, errors: [{ path: "subscriberId", message }] });
  }
}
