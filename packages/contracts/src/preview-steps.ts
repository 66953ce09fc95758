// No zod here: the admin app's browser bundle reads a preview's steps with this.
import type { ResourceStep } from "./platform-api.ts";

const isStep = (s: unknown): s is ResourceStep =>
  typeof s === "object" &&
  s !== null &&
  ["urn", "name", "type", "op"].every((k) => typeof (s as Record<string, unknown>)[k] === "string");

/** The steps in a finished preview's result: none for another kind of operation, or one still queued. */
export function previewSteps(op: object): ResourceStep[] {
  const result = "result" in op ? op.result : null;
  if (typeof result !== "object" || result === null || !("steps" in result)) return [];
  return Array.isArray(result.steps) ? result.steps.filter(isStep) : [];
}
