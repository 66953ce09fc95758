import { errorMessage } from "@dotmac/contracts";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/**
 * RFC 4180 CSV as spreadsheets write it (csv-parse): quoted fields may hold commas, doubled
 * quotes and line breaks; a byte-order mark, any of CRLF, LF or CR, and blank lines are taken.
 */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(code === "CSV_QUOTE_NOT_CLOSED" ? "a quoted field is not closed" : errorMessage(error));
  }
}

/** What may start with + or - and still be plain data: a number, or a phone number. */
const harmless = (s: string) => /^[+-]?\d+(\.\d+)?$/.test(s) || /^\+\d[\d ()-]{5,19}$/.test(s);

/** A field a spreadsheet could evaluate as a formula, prefixed with a quote (OWASP's CSV injection advice). */
const neutralised = (f: string | number | null | undefined) => {
  const s = f === null || f === undefined ? "" : String(f);
  return /^[=+\-@\t\r]/.test(s) && !harmless(s) ? `'${s}` : s;
};

/** One CSV line (csv-stringify), CRLF-terminated, every field neutralised. */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return stringify([fields.map(neutralised)], { record_delimiter: "\r\n", quoted_match: /[\r\n]/ });
}
