/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error("a quoted field is not closed");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

/** What may start with + or - and still be plain data: a number, or a phone number. */
const harmless = (s: string) => /^[+-]?\d+(\.\d+)?$/.test(s) || /^\+\d[\d ()-]{5,19}$/.test(s);

/** One CSV line; a field a spreadsheet could evaluate as a formula is prefixed with a quote. */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields
    .map((f) => {
      let s = f === null || f === undefined ? "" : String(f);
      if (/^[=+\-@\t\r]/.test(s) && !harmless(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(",")}\r\n`;
}
