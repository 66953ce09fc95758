import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { chapMatches } from "./chap.ts";
import { DuplicateCache } from "./dedupe.ts";
import { networkMatcher } from "./nas.ts";
import { acceptAttributes } from "./reply.ts";

// radius_reply()'s rows for a plan without a session timeout, as the server selects them.
const reply: [string, string][] = [
  ["Acct-Interim-Interval", "300"],
  ["Mikrotik-Rate-Limit", "20M/100M"],
  ["WISPr-Bandwidth-Max-Up", "20000000"],
  ["WISPr-Bandwidth-Max-Down", "100000000"],
];

describe("reply attributes", () => {
  it("encode radius_reply()'s rows by the dictionary: integers as numbers, each vendor's in its own block", () => {
    expect(acceptAttributes(reply, null)).toEqual([
      ["Acct-Interim-Interval", 300],
      ["Vendor-Specific", 14988, [["Mikrotik-Rate-Limit", "20M/100M"]]],
      ["Vendor-Specific", 14122, [["WISPr-Bandwidth-Max-Up", 20_000_000]]],
      ["Vendor-Specific", 14122, [["WISPr-Bandwidth-Max-Down", 100_000_000]]],
    ]);
  });

  it("add Framed-IP-Address only for a subscriber with a static address, and leave out names they do not know", () => {
    const attrs = acceptAttributes(
      [...reply, ["Session-Timeout", "3600"], ["Mikrotik-Recv-Limit", "1000"], ["Bogus", "x"]],
      "100.64.0.1",
    );
    expect(attrs.slice(4)).toEqual([
      ["Session-Timeout", 3600],
      ["Vendor-Specific", 14988, [["Mikrotik-Recv-Limit", 1000]]],
      ["Framed-IP-Address", "100.64.0.1"],
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
    expect(networkMatcher(network)(ip)).toBe(inside);
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
