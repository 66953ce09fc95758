import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { redact, storedEvent } from "./events.ts";

const at = { sequence: 1, timestamp: 0 };
const urn = "urn:pulumi:tenant-acme::dotmac::kubernetes:core/v1:Namespace::acme-ns";

describe("engine events as stored", () => {
  it("keeps resource steps with their state, and drops unchanged ones", () => {
    const metadata = { op: "create", urn, type: "kubernetes:core/v1:Namespace", provider: "" } as const;
    expect(storedEvent({ ...at, resourcePreEvent: { metadata } } as EngineEvent)).toEqual({
      type: "resource",
      payload: { urn, name: "acme-ns", resourceType: metadata.type, op: "create", state: "started" },
    });
    expect(storedEvent({ ...at, resOutputsEvent: { metadata } } as EngineEvent)?.payload).toMatchObject({
      state: "done",
    });
    expect(
      storedEvent({ ...at, resOpFailedEvent: { metadata, status: 1, steps: 1 } } as EngineEvent)?.payload,
    ).toMatchObject({
      state: "failed",
    });
    expect(
      storedEvent({ ...at, resourcePreEvent: { metadata: { ...metadata, op: "same" } } } as EngineEvent),
    ).toBeUndefined();
  });

  it("keeps what a person reads and drops the engine's debug chatter", () => {
    const diag = (severity: string, message: string) =>
      storedEvent({ ...at, diagnosticEvent: { severity, message, color: "never" } } as EngineEvent);
    expect(diag("error", "\u001b[31mboom\u001b[0m\n")).toEqual({
      type: "diagnostic",
      payload: { severity: "error", message: "boom" },
    });
    expect(diag("debug", "Registering resource")).toBeUndefined();
    expect(
      storedEvent({ ...at, stdoutEvent: { message: "x", color: "never" } } as EngineEvent),
    ).toBeUndefined();
  });

  it("names the rule of a policy violation", () => {
    const event = storedEvent({
      ...at,
      policyEvent: {
        message: "containers must not run privileged",
        color: "never",
        policyName: "no-privileged-containers",
        policyPackName: "dotmac",
        policyPackVersion: "1.0.0",
        policyPackVersionTag: "1.0.0",
        enforcementLevel: "mandatory",
        resourceUrn: urn,
      },
    } as EngineEvent);
    expect(event).toEqual({
      type: "policy",
      payload: {
        rule: "no-privileged-containers",
        pack: "dotmac",
        level: "mandatory",
        message: "containers must not run privileged",
        urn,
      },
    });
  });

  it("summarises only the kinds of change that happened", () => {
    const event = storedEvent({
      ...at,
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 14,
        resourceChanges: { create: 44, same: 0 },
        policyPacks: {},
      },
    } as EngineEvent);
    expect(event).toEqual({ type: "summary", payload: { changes: { create: 44 }, durationSeconds: 14 } });
  });

  it("redacts credentials whatever printed them", () => {
    expect(redact("dial postgres://admin:s3cr3t@10.0.0.1:5432/x failed")).toBe(
      "dial postgres://admin:•••@10.0.0.1:5432/x failed",
    );
    expect(redact('{"password": "hunter2"}')).toBe('{"password": "•••"}');
    expect(redact("PULUMI_CONFIG_PASSPHRASE=abc")).toBe("PULUMI_CONFIG_PASSPHRASE=•••");
  });
});
