import type { FieldErrors } from "@dotmac/ui";

/** The entries of a free-text list field: separated by commas, spaces or new lines. */
export const textList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);

/** The API's errors for a list field (`field.N`), each naming the entry it is about. */
export function listFieldError(errors: FieldErrors, field: string, text: string): string | undefined {
  const entries = textList(text);
  const found = Object.entries(errors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .map(([path, message]) => {
      const entry = entries[Number(path.slice(field.length + 1))];
      return path === field || entry === undefined ? message : `${entry}: ${message}`;
    });
  return found.length > 0 ? found.join("; ") : undefined;
}
