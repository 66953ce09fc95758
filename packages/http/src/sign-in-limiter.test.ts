import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./sign-in-limiter.ts";

describe("sign-in limits", () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };
  const limits = { account: { failures: 3, windowMs: 60_000 }, address: { failures: 5, windowMs: 60_000 } };

  it("refuses an account after its failures, until its window ends, whatever the address or case", () => {
    const c = clock();
    const limiter = new SignInLimiter(limits, { now: c.now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.refusal("ada@isp.example", `10.0.0.${i}`)).toBeUndefined();
      limiter.failed("ada@isp.example", `10.0.0.${i}`);
    }
    expect(limiter.refusal("ADA@isp.example", "10.9.9.9")).toBe(60);
    c.advance(45_000);
    expect(limiter.refusal("ada@isp.example", "10.9.9.9")).toBe(15);
    expect(limiter.refusal("bob@isp.example", "10.9.9.9")).toBeUndefined();
    c.advance(15_000);
    expect(limiter.refusal("ada@isp.example", "10.9.9.9")).toBeUndefined();
  });

  it("refuses an address that tries many accounts", () => {
    const limiter = new SignInLimiter(limits, { now: clock().now });
    for (let i = 0; i < 5; i++) limiter.failed(`user${i}@isp.example`, "192.0.2.7");
    expect(limiter.refusal("someone-new@isp.example", "192.0.2.7")).toBe(60);
    expect(limiter.refusal("someone-new@isp.example", "192.0.2.8")).toBeUndefined();
  });

  it("clears an account's failures when it signs in, and stays within its size", () => {
    const limiter = new SignInLimiter(limits, { now: clock().now, maxKeys: 10 });
    for (let i = 0; i < 2; i++) limiter.failed("ada@isp.example", "10.0.0.1");
    limiter.succeeded("ada@isp.example");
    for (let i = 0; i < 2; i++) limiter.failed("ada@isp.example", "10.0.0.1");
    expect(limiter.refusal("ada@isp.example", "10.0.0.2")).toBeUndefined();
    for (let i = 0; i < 1000; i++) limiter.failed(`user${i}@isp.example`, `10.1.${i >> 8}.${i & 255}`);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(10);
  });
});
