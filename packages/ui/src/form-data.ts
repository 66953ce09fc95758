/** A form field's text, "" when absent: the API validates it and names the field when it is wrong. */
export const text = (d: FormData, name: string): string => String(d.get(name) ?? "");

/** A field's text, or undefined when left empty (an optional input the API may leave out). */
export const optionalText = (d: FormData, name: string): string | undefined => text(d, name) || undefined;

/**
 * A select's value, typed as the API's enum whose options it offers. The API still validates it,
 * so a forged value is a 400 naming the field, not a crash.
 */
export const choice = <T extends string>(d: FormData, name: string): T => text(d, name) as T;

/** Every ticked value of a checkbox group, typed as the enum it offers (validated by the API too). */
export const choices = <T extends string>(d: FormData, name: string): T[] =>
  d.getAll(name).map(String) as T[];
