import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PLATFORM_NAMESPACE } from "@dotmac/contracts";

/**
 * The API server's audit log of what the platform's own ServiceAccounts do (the automation API's,
 * above all): every request at Metadata level (who, which verb on which object, the answer; no
 * bodies, so no secrets). A production cluster keeps the same record; here it is how a test sees
 * what a real run of the in-cluster engine needed.
 */
export async function auditFlags(dir: string): Promise<{ flags: string[]; log: string }> {
  const policy = join(dir, "audit-policy.yaml");
  const log = join(dir, "logs", "audit.log");
  await writeFile(
    policy,
    `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts:${PLATFORM_NAMESPACE}"]
  - level: None
`,
  );
  return {
    log,
    flags: [
      `--audit-policy-file=${policy}`,
      `--audit-log-path=${log}`,
      "--audit-log-format=json",
      "--audit-log-maxsize=100",
      "--audit-log-maxbackup=1",
    ],
  };
}

/** One audit event, the fields we read. */
export interface AuditEvent {
  readonly verb: string;
  readonly user: { readonly username: string };
  readonly objectRef?: {
    readonly resource?: string;
    readonly namespace?: string;
    readonly name?: string;
    readonly apiGroup?: string;
  };
  readonly responseStatus?: { readonly code?: number };
  readonly requestURI: string;
}

/** The events logged so far (the current file: rotation starts at 100 MB). */
export async function readAuditLog(log: string): Promise<AuditEvent[]> {
  const text = await readFile(log, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AuditEvent);
}
