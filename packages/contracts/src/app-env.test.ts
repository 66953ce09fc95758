import { describe, expect, it } from "vitest";
import { AutomationApiEnv } from "./app-env.ts";

describe("the automation API's settings", () => {
  const deadlines = AutomationApiEnv.shape.DOTMAC_OPERATION_DEADLINES;

  it("reads per-kind deadlines as kind=seconds pairs", () => {
    expect(deadlines.parse("create=3600, fleet = 600")).toEqual({ create: 3600, fleet: 600 });
    expect(deadlines.parse(undefined)).toBeUndefined();
  });

  it("refuses an unknown kind, a missing value and a deadline that is not a positive whole number", () => {
    for (const bad of ["deploy=60", "create", "create=60=1", "create=0", "create=1.5", "create=soon"]) {
      expect(deadlines.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("keeps the shutdown grace within bounds", () => {
    const grace = AutomationApiEnv.shape.DOTMAC_SHUTDOWN_GRACE_SECONDS;
    expect(grace.parse(undefined)).toBe(15);
    expect(grace.parse("90")).toBe(90);
    expect(grace.safeParse("-1").success).toBe(false);
  });

  it("takes tenants' address as an http(s) pattern that names the slug", () => {
    const pattern = AutomationApiEnv.shape.DOTMAC_TENANT_URL;
    expect(pattern.parse("http://{slug}.localhost:3000")).toBe("http://{slug}.localhost:3000");
    for (const bad of ["https://isp.example.net", "ftp://{slug}.example.net", "{slug}.example.net"]) {
      expect(pattern.safeParse(bad).success, bad).toBe(false);
    }
  });
});
