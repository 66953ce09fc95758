import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { chapMatches } from "./chap.ts";
import { DuplicateCache } from "./dedupe.ts";
import { cidrContains } from "./nas.ts";
import { acceptAttributes } from "./reply.ts";

const plan = {
  rateLimit: "20M/100M",
  downloadKbps: 100_000,
  uploadKbps: 20_000,
  sessionTimeoutSeconds: null,
  interimIntervalSeconds: 300,
};

describe("reply attributes", () => {
  it("adds Session-Timeout and Framed-IP-Address only when there are values for them", () => {
    const names = (attrs: ReturnType<typeof acceptAttributes>) => attrs.map((a) => a[0]);
    expect(names(acceptAttributes(plan, null))).toEqual([
      "Acct-Interim-Interval",
      "Vendor-Specific",
      "Vendor-Specific",
    ]);
    expect(names(acceptAttributes({ ...plan, sessionTimeoutSeconds: 3600 }, "100.64.0.1"))).toEqual([
      "Acct-Interim-Interval",
      "Vendor-Specific",
      "Vendor-Specific",
      "Session-Timeout",
      "Framed-IP-Address",
    ]);
  });
});

describe("a plan's vendor attributes", () => {
  it("go out as their vendor's attributes, integers as numbers, unknown names left out", () => {
    const attrs = acceptAttributes(
      {
        ...plan,
        vendorAttributes: { "Mikrotik-Address-List": "fibre", "Mikrotik-Recv-Limit": "1000", Bogus: "x" },
      },
      null,
    );
    expect(attrs.slice(3)).toEqual([
      ["Vendor-Specific", 14988, [["Mikrotik-Address-List", "fibre"]]],
      ["Vendor-Specific", 14988, [["Mikrotik-Recv-Limit", 1000]]],
    ]);
  });
});

describe("NAS networks", () => {
  it.each([
    ["10.0.0.0/8", "10.200.1.1", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.0.2.7/32", "192.0.2.7", true],
    ["192.0.2.7/32", "192.0.2.8", false],
    ["0.0.0.0/0", "203.0.113.5", true],
    ["2001:db8::/32", "2001:db8:1::5", true],
    ["2001:db8::/32", "2001:db9::5", false],
    ["10.0.0.0/8", "2001:db8::1", false],
  ])("%s contains %s: %s", (network, ip, inside) => {
    expect(cidrContains(network, ip)).toBe(inside);
  });
});

describe("CHAP", () => {
  it("matches MD5(ident, password, challenge) and nothing else", () => {
    const challenge = Buffer.from("0123456789abcdef");
    const ident = Buffer.from([7]);
    const hash = createHash("md5").update(ident).update("secret").update(challenge).digest();
    const chap = Buffer.concat([ident, hash]);
    expect(chapMatches(chap, challenge, "secret")).toBe(true);
    expect(chapMatches(chap, challenge, "Secret")).toBe(false);
    expect(chapMatches(chap.subarray(0, 10), challenge, "secret")).toBe(false);
  });
});

describe("duplicate cache", () => {
  it("answers a retransmission with the first answer, once computed", async () => {
    const cache = new DuplicateCache(10, 1000);
    let computed = 0;
    const compute = async () => {
      computed++;
      return Buffer.from("answer");
    };
    const first = cache.answer("k", compute);
    const again = cache.answer("k", compute);
    expect(again.duplicate).toBe(true);
    expect(await again.response).toEqual(await first.response);
    expect(computed).toBe(1);
  });

  it("stays within its size however many distinct requests arrive", () => {
    const cache = new DuplicateCache(100, 60_000);
    for (let i = 0; i < 10_000; i++) {
      cache.answer(`k${i}`, async () => undefined);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    // The newest half is still answered from the cache.
    expect(cache.answer("k9999", async () => undefined).duplicate).toBe(true);
    expect(cache.answer("k9950", async () => undefined).duplicate).toBe(true);
  });

  it("forgets a request once its time is up, and keeps younger ones across a generation change", () => {
    vi.useFakeTimers();
    try {
      const cache = new DuplicateCache(1000, 1000);
      cache.answer("old", async () => undefined);
      vi.advanceTimersByTime(600);
      cache.answer("young", async () => undefined);
      vi.advanceTimersByTime(500);
      // "old" is 1.1 s old: processed again. "young" (0.5 s) survives the generation change that made.
      expect(cache.answer("old", async () => undefined).duplicate).toBe(false);
      expect(cache.answer("young", async () => undefined).duplicate).toBe(true);
      vi.advanceTimersByTime(1000);
      expect(cache.answer("young", async () => undefined).duplicate).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
