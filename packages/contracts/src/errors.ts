import type { z } from "zod";

/** One problem with one field, addressed by a JSON-pointer-like dotted path. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Flattens a zod error into field errors, the shape problem+json responses and CLIs print. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/** Thrown when an input fails its schema; the message lists every field error. */
export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`invalid ${subject}:\n${errors.map((e) => `  - ${e.path}: ${e.message}`).join("\n")}`);
    this.name = "ValidationError";
  }
}

/** Parses input with schema, or throws a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, fieldErrors(result.error));
  return result.data;
}

/** What went wrong, in words, whatever was thrown. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
