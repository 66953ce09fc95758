import { describe, expect, it } from "vitest";
import { sortRows } from "./data-table.tsx";

describe("sortRows", () => {
  const plans = [
    { name: "Fibre 100", price: 2500 },
    { name: "fibre 20", price: 900 },
    { name: "Fibre 1000", price: 6000 },
  ];
  it("sorts numbers by value and text as people read it, either way, leaving the input as it was", () => {
    expect(sortRows(plans, (p) => p.name, "asc").map((p) => p.name)).toEqual([
      "fibre 20",
      "Fibre 100",
      "Fibre 1000",
    ]);
    expect(sortRows(plans, (p) => p.price, "desc").map((p) => p.price)).toEqual([6000, 2500, 900]);
    expect(plans[0]?.name).toBe("Fibre 100");
  });
});
