import type { BillingCycle } from "@dotmac/contracts";

/**
 * Billing arithmetic, in integer minor units and ISO dates (UTC days). Pure: tested without a
 * database (money.test.ts, with properties).
 */

const DAY_MS = 86_400_000;

export const cycleMonths: Record<BillingCycle, number> = { monthly: 1, quarterly: 3, yearly: 12 };

const parse = (iso: string) => {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return { y, m, d };
};
const format = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Whole days from `from` to `to` (ISO dates). */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Today's date in UTC, the day billing counts in. */
export const today = () => new Date().toISOString().slice(0, 10);

export const addDays = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY_MS).toISOString().slice(0, 10);

/** The date `months` after `iso`'s month, on `anchorDay` (or the month's last day if it is shorter). */
export function addMonthsOnDay(iso: string, months: number, anchorDay: number): string {
  const { y, m } = parse(iso);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format(year, month, Math.min(anchorDay, daysInMonth(year, month)));
}

export interface Period {
  readonly start: string;
  /** Exclusive. */
  readonly end: string;
}

/** The period of a cycle that contains `on`, its boundaries on `anchorDay`. */
export function periodContaining(on: string, anchorDay: number, cycle: BillingCycle): Period {
  const months = cycleMonths[cycle];
  // The boundary on or before `on`: this month's, or the previous month's when `on` is earlier.
  let start = addMonthsOnDay(on, 0, anchorDay);
  if (start > on) start = addMonthsOnDay(on, -1, anchorDay);
  return { start, end: addMonthsOnDay(start, months, anchorDay) };
}

/** a·b/c rounded half up, exactly (a·b stays below 2^53 for any amount and day count we bill). */
const mulDivRound = (a: number, b: number, c: number) => {
  const n = a * b;
  const q = Math.floor(n / c);
  return n - q * c >= c - (n - q * c) ? q + 1 : q;
};

/**
 * The part of a period's price for the days [from, to) within it, by day:
 *
 *   share(t) = round(price × days(start, t) / days(start, end))
 *   prorate(from, to) = share(to) − share(from)
 *
 * Each part is within one minor unit of its exact share, and the parts of any split of a period
 * sum to its full price (the shares telescope), so activation, plan change, suspension and
 * termination together never bill a cent more or less than the period's price.
 */
export function prorate(priceMinor: number, period: Period, from: string, to: string): number {
  const total = daysBetween(period.start, period.end);
  const clamp = (t: string) => (t < period.start ? period.start : t > period.end ? period.end : t);
  const share = (t: string) => mulDivRound(priceMinor, daysBetween(period.start, clamp(t)), total);
  return share(to) - share(from);
}

export interface TaxRate {
  readonly name: string;
  readonly basisPoints: number;
  readonly inclusive: boolean;
}

export interface LineAmounts {
  readonly netMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  readonly taxes: { name: string; basisPoints: number; inclusive: boolean; amountMinor: number }[];
}

/** Splits `amount` over `weights` in proportion, the remainder to the largest fractions: exact. */
function apportion(amount: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (amount * w) / sum);
  const parts = exact.map(Math.floor);
  let left = amount - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

/**
 * A line's net, taxes and total from its price. Inclusive rates are inside the price (the net is
 * what is left once they are taken out); exclusive rates are added on the net. Each tax is shown.
 */
export function lineAmounts(grossMinor: number, rates: readonly TaxRate[]): LineAmounts {
  const inclusive = rates.filter((r) => r.inclusive);
  const exclusive = rates.filter((r) => !r.inclusive);
  const inclusiveBp = inclusive.reduce((a, r) => a + r.basisPoints, 0);
  const netMinor = mulDivRound(grossMinor, 10_000, 10_000 + inclusiveBp);
  const inside = apportion(
    grossMinor - netMinor,
    inclusive.map((r) => r.basisPoints),
  );
  const taxes = [
    ...inclusive.map((r, i) => ({ ...r, amountMinor: inside[i] ?? 0 })),
    ...exclusive.map((r) => ({ ...r, amountMinor: mulDivRound(netMinor, r.basisPoints, 10_000) })),
  ].map(({ name, basisPoints, inclusive: inc, amountMinor }) => ({
    name,
    basisPoints,
    inclusive: inc,
    amountMinor,
  }));
  const taxMinor = taxes.reduce((a, t) => a + t.amountMinor, 0);
  return { netMinor, taxMinor, totalMinor: netMinor + taxMinor, taxes };
}

/** An amount as staff read it: 16.45 EUR. */
export const formatMoney = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
