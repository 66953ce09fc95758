import { describe, expect, it } from "vitest";
import { formatDuration, step } from "./progress.ts";

describe("progress", () => {
  it("formats durations for people", () => {
    expect(formatDuration(12)).toBe("12 ms");
    expect(formatDuration(1530)).toBe("1.5 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });

  it("names a step when it starts and times it when it ends, failures included", async () => {
    const lines: string[] = [];
    await expect(
      step(
        "works",
        async () => 42,
        (l) => lines.push(l),
      ),
    ).resolves.toBe(42);
    await expect(
      step(
        "breaks",
        async () => Promise.reject(new Error("no")),
        (l) => lines.push(l),
      ),
    ).rejects.toThrow("no");
    expect(lines[0]).toBe("▶ works");
    expect(lines[1]).toMatch(/^✔ works \(\d+ ms\)$/);
    expect(lines[2]).toBe("▶ breaks");
    expect(lines[3]).toMatch(/^✖ breaks \(\d+ ms\)$/);
  });
});
