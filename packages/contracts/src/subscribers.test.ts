import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canTransition, SubscriberStatus, subscriberTransitions } from "./subscribers.ts";

describe("subscriber lifecycle", () => {
  it("follows pending → active → suspended → active | terminated", () => {
    expect(canTransition("pending", "active")).toBe(true);
    expect(canTransition("active", "suspended")).toBe(true);
    expect(canTransition("suspended", "active")).toBe(true);
    expect(canTransition("suspended", "terminated")).toBe(true);
    expect(canTransition("pending", "suspended")).toBe(false);
    expect(canTransition("active", "pending")).toBe(false);
  });

  it("never leaves terminated and never stays in place", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SubscriberStatus.options), (to) => {
        expect(canTransition("terminated", to)).toBe(false);
        expect(canTransition(to, to)).toBe(false);
      }),
    );
  });

  it("can reach terminated from every other status", () => {
    for (const from of SubscriberStatus.options.filter((s) => s !== "terminated")) {
      expect(subscriberTransitions[from]).toContain("terminated");
    }
  });
});
