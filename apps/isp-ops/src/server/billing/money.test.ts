import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, addMonthsOnDay, daysBetween, lineAmounts, periodContaining, prorate } from "./money.ts";

const isoDay = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const cycle = fc.constantFrom("monthly" as const, "quarterly" as const, "yearly" as const);

describe("billing arithmetic", () => {
  it("finds the period around a day, its boundaries on the anchor day (clamped in short months)", () => {
    expect(periodContaining("2026-03-15", 1, "monthly")).toEqual({ start: "2026-03-01", end: "2026-04-01" });
    expect(periodContaining("2026-03-10", 20, "monthly")).toEqual({ start: "2026-02-20", end: "2026-03-20" });
    expect(periodContaining("2026-02-28", 31, "monthly")).toEqual({ start: "2026-02-28", end: "2026-03-31" });
    expect(periodContaining("2026-05-02", 1, "quarterly")).toEqual({
      start: "2026-05-01",
      end: "2026-08-01",
    });
    expect(addMonthsOnDay("2026-01-31", 1, 31)).toBe("2026-02-28");
    expect(addMonthsOnDay("2026-11-05", 3, 5)).toBe("2027-02-05");
  });

  it("holds every day of a period, and no other", () => {
    fc.assert(
      fc.property(isoDay, fc.integer({ min: 1, max: 31 }), cycle, (on, anchor, c) => {
        const p = periodContaining(on, anchor, c);
        expect(p.start <= on && on < p.end).toBe(true);
        expect(daysBetween(p.start, p.end)).toBeGreaterThanOrEqual(28);
      }),
    );
  });

  it("prorates by day: a mid-month activation pays its days, half up", () => {
    const march = { start: "2026-03-01", end: "2026-04-01" };
    // 17 of 31 days of 29.99: 16.446… → 16.45.
    expect(prorate(2999, march, "2026-03-15", "2026-04-01")).toBe(1645);
    expect(prorate(2999, march, "2026-03-01", "2026-04-01")).toBe(2999);
    expect(prorate(2999, march, "2026-03-01", "2026-03-01")).toBe(0);
  });

  it("bills exactly the period's price over any split of it (activation, changes, suspension)", () => {
    fc.assert(
      fc.property(
        isoDay,
        fc.integer({ min: 1, max: 28 }),
        cycle,
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }),
        (on, anchor, c, price, cuts) => {
          const p = periodContaining(on, anchor, c);
          const days = daysBetween(p.start, p.end);
          const points = [...new Set(cuts.map((x) => addDays(p.start, x % (days + 1))))].sort();
          const bounds = [p.start, ...points, p.end];
          let sum = 0;
          for (let i = 1; i < bounds.length; i++) {
            const part = prorate(price, p, bounds[i - 1] as string, bounds[i] as string);
            const exact = (price * daysBetween(bounds[i - 1] as string, bounds[i] as string)) / days;
            expect(Math.abs(part - exact)).toBeLessThanOrEqual(1);
            sum += part;
          }
          expect(sum).toBe(price);
        },
      ),
    );
  });

  it("takes inclusive taxes out of the price and adds exclusive ones, to the cent", () => {
    expect(lineAmounts(2999, [{ name: "VAT", basisPoints: 2000, inclusive: true }])).toEqual({
      netMinor: 2499,
      taxMinor: 500,
      totalMinor: 2999,
      taxes: [{ name: "VAT", basisPoints: 2000, inclusive: true, amountMinor: 500 }],
    });
    expect(lineAmounts(10_000, [{ name: "Sales tax", basisPoints: 825, inclusive: false }])).toMatchObject({
      netMinor: 10_000,
      taxMinor: 825,
      totalMinor: 10_825,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(
          fc.record({
            name: fc.string({ minLength: 1, maxLength: 5 }),
            basisPoints: fc.integer({ min: 1, max: 5000 }),
            inclusive: fc.boolean(),
          }),
          { maxLength: 4 },
        ),
        (gross, rates) => {
          const line = lineAmounts(gross, rates);
          const inside = line.taxes.filter((t) => t.inclusive).reduce((a, t) => a + t.amountMinor, 0);
          // What a subscriber sees as the price is the net plus what is inside it; no cent lost.
          expect(line.netMinor + inside).toBe(gross);
          expect(line.totalMinor).toBe(line.netMinor + line.taxMinor);
          for (const t of line.taxes) expect(t.amountMinor).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
