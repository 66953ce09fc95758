import { errorMessage, type PolicyViolation } from "@dotmac/contracts";

/** A run that failed, carrying what the engine said and the policy rules a plan broke. */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly violations: PolicyViolation[] = [],
  ) {
    super(message);
    this.name = "RunFailure";
  }
}

/** The engine's own words for a failure: its error diagnostics, else the command's last lines. */
export function failureOf(error: unknown, diagnostics: string[], violations: PolicyViolation[]) {
  if (violations.length > 0) {
    return new RunFailure(
      `the policy pack refused the plan: ${violations.map((v) => `${v.rule}: ${v.message}`).join("; ")}`,
      violations,
    );
  }
  if (diagnostics.length > 0) return new RunFailure(diagnostics.join("\n"));
  const text = errorMessage(error);
  const lines = text.split("\n").filter((l) => l.trim() && !/^\s*at /.test(l));
  return new RunFailure(lines.slice(-8).join("\n") || "the run failed");
}
