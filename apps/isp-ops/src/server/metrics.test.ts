import { describe, expect, it } from "vitest";
import { createIspOpsMetrics, routeOf } from "./metrics.ts";

describe("isp-ops metrics", () => {
  it("folds ids, assets and unknown paths so routes stay a bounded set", () => {
    expect(routeOf("/api/v1/subscribers/5b3c1f0e-8d2a-4c7b-9f3e-2a1d4c5b6e7f/status?x=1", 200)).toBe(
      "/api/v1/subscribers/:id/status",
    );
    expect(routeOf("/api/v1/plans/42", 204)).toBe("/api/v1/plans/:id");
    expect(routeOf("/_next/static/chunks/app-1f2e3d.js", 200)).toBe("/_next/*");
    expect(routeOf("/wp-admin/setup.php", 404)).toBe("unmatched");
    expect(routeOf("/a/b/c/d/e/f/g/h", 200)).toBe("/a/b/c/d/e/f/*");
    expect(routeOf(undefined, 200)).toBe("/");
  });

  it("reads subscribers by status at each scrape", async () => {
    let active = 3;
    const metrics = createIspOpsMetrics({ subscriberCounts: async () => ({ active, suspended: 1 }) });
    expect(await metrics.registry.metrics()).toMatch(/dotmac_isp_subscribers\{status="active"\} 3/);
    active = 4;
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/dotmac_isp_subscribers\{status="active"\} 4/);
    expect(text).toMatch(/dotmac_isp_subscribers\{status="suspended"\} 1/);
  });
});
