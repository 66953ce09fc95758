import { describe, expect, it } from "vitest";
import { parseAttributeLines } from "./attribute-lines.ts";

describe("parseAttributeLines", () => {
  it("keeps a value's own = signs, trims, and drops lines without a name or a value", () => {
    expect(
      parseAttributeLines(
        "Mikrotik-Address-List = walled-garden\n  Cisco-AVPair=ip:addr-pool=walled  \n\nno-value =\n= no-name\njunk",
      ),
    ).toEqual({ "Mikrotik-Address-List": "walled-garden", "Cisco-AVPair": "ip:addr-pool=walled" });
  });
});
