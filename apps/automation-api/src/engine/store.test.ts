import { describe, expect, it } from "vitest";
import { tenantStatusAfter } from "./store.ts";

describe("a tenant's status after an operation", () => {
  it.each([
    ["create", "succeeded", "provisioning", "active"],
    ["create", "failed", "provisioning", "failed"],
    ["create", "cancelled", "provisioning", "failed"],
    ["update", "succeeded", "active", "active"],
    ["update", "succeeded", "suspended", "suspended"],
    ["update", "succeeded", "failed", "active"],
    ["update", "failed", "active", "failed"],
    ["update", "cancelled", "active", "active"],
    ["suspend", "succeeded", "active", "suspended"],
    ["resume", "succeeded", "suspended", "active"],
    ["destroy", "succeeded", "deleting", "deleted"],
    ["destroy", "failed", "deleting", "failed"],
    ["destroy", "cancelled", "deleting", "failed"],
    ["preview", "failed", "active", "active"],
    ["refresh", "succeeded", "suspended", "suspended"],
  ] as const)("%s %s while %s → %s", (kind, outcome, current, expected) => {
    expect(tenantStatusAfter(kind, outcome, current)).toBe(expected);
  });
});
