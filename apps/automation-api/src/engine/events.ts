import type { StoredEvent } from "@dotmac/contracts";
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";

const nameOf = (urn: string) => urn.split("::").at(-1) ?? urn;

/** Credentials in URLs (postgres://user:secret@host) never reach the log, whatever printed them. */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, "$1•••@")
    .replace(/(password|passphrase|secret|token)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1$2•••");
}

/** The engine's event, reduced to what is worth keeping; undefined for noise (ephemeral, stdout). */
export function storedEvent(event: EngineEvent): StoredEvent | undefined {
  const pre = event.resourcePreEvent?.metadata;
  if (pre && pre.op !== "same") {
    return {
      type: "resource",
      payload: { urn: pre.urn, name: nameOf(pre.urn), resourceType: pre.type, op: pre.op, state: "started" },
    };
  }
  const done = event.resOutputsEvent?.metadata;
  if (done && done.op !== "same") {
    return {
      type: "resource",
      payload: { urn: done.urn, name: nameOf(done.urn), resourceType: done.type, op: done.op, state: "done" },
    };
  }
  const failed = event.resOpFailedEvent?.metadata;
  if (failed) {
    return {
      type: "resource",
      payload: {
        urn: failed.urn,
        name: nameOf(failed.urn),
        resourceType: failed.type,
        op: failed.op,
        state: "failed",
      },
    };
  }
  const diag = event.diagnosticEvent;
  // Debug lines are the engine talking to itself; info and up are what a person would read.
  if (diag && !diag.ephemeral && diag.severity !== ("debug" as string) && diag.message.trim()) {
    return {
      type: "diagnostic",
      payload: {
        severity: diag.severity,
        message: redact(stripAnsi(diag.message).trim()),
        ...(diag.urn ? { urn: diag.urn } : {}),
      },
    };
  }
  const policy = event.policyEvent;
  if (policy) {
    return {
      type: "policy",
      payload: {
        rule: policy.policyName,
        pack: policy.policyPackName,
        level: policy.enforcementLevel,
        message: redact(stripAnsi(policy.message).trim()),
        ...(policy.resourceUrn ? { urn: policy.resourceUrn } : {}),
      },
    };
  }
  const summary = event.summaryEvent;
  if (summary) {
    const changes = Object.fromEntries(
      Object.entries(summary.resourceChanges ?? {}).filter(([, n]) => typeof n === "number" && n > 0),
    ) as Record<string, number>;
    return { type: "summary", payload: { changes, durationSeconds: summary.durationSeconds } };
  }
  return undefined;
}

export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
  return text.replace(/\u001b\[[0-9;]*m/g, "").replace(/<\{%reset%\}>|<\{%[a-z]+%\}>/g, "");
}
