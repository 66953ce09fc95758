import { describe, expect, it } from "vitest";
import { formatTime } from "./time.ts";

describe("formatTime", () => {
  it("shows a Date or an ISO string in UTC to the day, minute or second", () => {
    const at = "2026-12-07T03:04:05.678+02:00";
    expect(formatTime(at, "day")).toBe("2026-12-07");
    expect(formatTime(at)).toBe("2026-12-07 01:04");
    expect(formatTime(new Date(at), "second")).toBe("2026-12-07 01:04:05");
  });
});
