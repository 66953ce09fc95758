import { describe, expect, it } from "vitest";
import { StackConfigError } from "./config-error.ts";
import { programFor } from "./program-for.ts";

describe("programFor", () => {
  it("dispatches on the stack name alone", () => {
    expect(programFor("platform")).toBe("platform");
    expect(programFor("tenant-fast-fiber")).toBe("tenant");
  });

  it.each([
    ["dev", /named "platform" or "tenant-<slug>"/],
    ["tenant-Bad_Slug", /not a valid tenant slug/],
    ["tenant-platform-admin", /reserved/],
  ])("refuses the stack %s with a config error", (stack, message) => {
    expect(() => programFor(stack)).toThrow(StackConfigError);
    expect(() => programFor(stack)).toThrow(message);
  });
});
