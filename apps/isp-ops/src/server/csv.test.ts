import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvLine, parseCsv } from "./csv.ts";

describe("CSV", () => {
  it("reads quotes, commas, doubled quotes, CRLF and line breaks inside quotes", () => {
    expect(parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\n1,,3\n')).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
      ["1", "", "3"],
    ]);
    expect(() => parseCsv('a,"open')).toThrow(/not closed/);
  });

  it("writes what it reads back, for any text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const safe = rows.map((r) => r.map((f) => (/^[=+\-@\t\r]/.test(f) ? `x${f}` : f)));
          expect(parseCsv(safe.map((r) => csvLine(r)).join(""))).toEqual(safe);
        },
      ),
    );
  });

  it("neutralises what a spreadsheet would run as a formula, but not numbers or phone numbers", () => {
    expect(csvLine(["=HYPERLINK(1)", "@SUM(A1)", "+353 1 555", "-5", "12.5", "+44 (20) 7946-0958"])).toBe(
      "'=HYPERLINK(1),'@SUM(A1),+353 1 555,-5,12.5,+44 (20) 7946-0958\r\n",
    );
    // A leading digit does not make a formula harmless.
    expect(csvLine(["+1+cmd|' /C calc'!A0", '-2+3+HYPERLINK("http://x")', "+1e3", "-1-1"])).toBe(
      `'+1+cmd|' /C calc'!A0,"'-2+3+HYPERLINK(""http://x"")",'+1e3,'-1-1\r\n`,
    );
  });

  it("never writes a field a spreadsheet would evaluate", () => {
    const trigger = fc.constantFrom("=", "+", "-", "@", "\t", "\r");
    const formula = fc
      .tuple(trigger, fc.string(), fc.constantFrom("(A1)", "|cmd", "+1", "!A0", "*2", ""))
      .map(([t, middle, tail]) => `${t}${middle}${tail}`)
      .filter((f) => !/^[+-]?\d+(\.\d+)?$/.test(f) && !/^\+\d[\d ()-]{5,19}$/.test(f));
    fc.assert(
      fc.property(formula, (f) => {
        const [field] = parseCsv(csvLine([f, "x"])).map((r) => r[0]);
        expect(field?.startsWith("'")).toBe(true);
      }),
    );
  });
});
