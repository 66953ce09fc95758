import { describe, expect, it } from "vitest";
import { listFieldError, textList } from "./text-list.ts";

describe("list fields", () => {
  it("reads entries separated by commas, spaces and new lines", () => {
    expect(textList(" 192.0.2.0/24,\n198.51.100.0/24  10.0.0.0/8\n")).toEqual([
      "192.0.2.0/24",
      "198.51.100.0/24",
      "10.0.0.0/8",
    ]);
  });

  it("names the entry each of the API's errors is about", () => {
    const errors = { "nasCidrs.1": "expected a CIDR", "nasCidrs.2": "expected a CIDR", slug: "taken" };
    expect(listFieldError(errors, "nasCidrs", "192.0.2.0/24\n10.0.0.0/33\nnope")).toBe(
      "10.0.0.0/33: expected a CIDR; nope: expected a CIDR",
    );
    expect(listFieldError({ nasCidrs: "at most 50 NAS networks" }, "nasCidrs", "x")).toBe(
      "at most 50 NAS networks",
    );
    expect(listFieldError(errors, "customDomains", "")).toBeUndefined();
  });
});
