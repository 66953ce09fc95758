import { ProblemError } from "./problem.ts";

/** What a unique or foreign-key constraint is about, so the answer can name the field. */
export interface ConstraintField {
  readonly field: string;
  readonly message: string;
  /** 409 for a taken value (the default), 400 for a reference to nothing. */
  readonly status?: 400 | 409;
}

/** postgres.js's PostgresError, as drizzle throws it (itself, or as the cause of its own error). */
interface PostgresErrorFields {
  readonly code?: string;
  readonly constraint_name?: string;
}

const postgresFields = (error: unknown): PostgresErrorFields => {
  const e = error as PostgresErrorFields & { cause?: PostgresErrorFields };
  return e?.code ? e : (e?.cause ?? {});
};

/** The SQLSTATE of a Postgres error (or of the one drizzle wrapped), if it is one. */
export const postgresCode = (error: unknown): string | undefined => postgresFields(error).code;

/** The constraint a Postgres error names (or the one drizzle wrapped). */
export const postgresConstraint = (error: unknown): string | undefined =>
  postgresFields(error).constraint_name;

/**
 * One mapper per API, over its constraints: a unique (23505) or foreign-key (23503) violation
 * of a known constraint becomes a problem naming the field; anything else is rethrown as is.
 */
export function constraintProblems(fields: Readonly<Record<string, ConstraintField>>) {
  return (error: unknown): never => {
    const { code, constraint_name } = postgresFields(error);
    const known = constraint_name ? fields[constraint_name] : undefined;
    if ((code === "23505" || code === "23503") && known) {
      throw new ProblemError(known.status ?? 409, {
        detail: known.message,
        errors: [{ path: known.field, message: known.message }],
      });
    }
    throw error;
  };
}
