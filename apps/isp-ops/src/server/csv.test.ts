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

  it("neutralises what a spreadsheet would run as a formula, but not phone numbers", () => {
    expect(csvLine(["=HYPERLINK(1)", "@SUM(A1)", "+353 1 555", "-5"])).toBe(
      "'=HYPERLINK(1),'@SUM(A1),+353 1 555,-5\r\n",
    );
  });
});
