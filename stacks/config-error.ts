import { ValidationError } from "@dotmac/contracts";
import * as pulumi from "@pulumi/pulumi";

/** A stack whose configuration cannot be deployed: the operator's mistake, not a bug. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
}

/**
 * Configuration mistakes are reported as the engine's RunError: the message alone, no stack. (A
 * stack also costs seconds here: the SDK formats it with util.inspect, which on Node 20 with the
 * tsx loader spends them in garbage collection.) Anything else is a bug and keeps its stack.
 */
export function reportable(error: unknown): unknown {
  if (!(error instanceof ValidationError) && !(error instanceof StackConfigError)) return error;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new pulumi.RunError(error.message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
