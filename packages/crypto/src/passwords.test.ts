import { describe, expect, it } from "vitest";
import {
  hashPassword,
  needsRehash,
  OWASP_SCRYPT_N,
  passwordHashing,
  scryptCost,
  verifyPassword,
} from "./passwords.ts";

describe("password hashing", () => {
  it("uses OWASP's scrypt floor unless told a stronger or test cost, and refuses a weak one", () => {
    expect(scryptCost({})).toBe(OWASP_SCRYPT_N);
    expect(OWASP_SCRYPT_N).toBe(131072);
    expect(scryptCost({ DOTMAC_SCRYPT_N: "16384" })).toBe(16384);
    for (const bad of ["8192", "100000", "x"]) expect(() => scryptCost({ DOTMAC_SCRYPT_N: bad })).toThrow();
  });

  it("hashes at the configured cost and knows an older, weaker hash needs redoing", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(new RegExp(`^scrypt\\$${scryptCost()}\\$8\\$1\\$`));
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash(stored.replace(`$${scryptCost()}$`, `$${scryptCost() / 2}$`))).toBe(true);
    expect(needsRehash("bcrypt$whatever")).toBe(true);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("Correct horse battery staple", stored)).toBe(false);
  });

  it("runs at most two hashes at once; the rest wait their turn and all finish", async () => {
    const seen: { active: number; waiting: number }[] = [];
    const sampler = setInterval(() => seen.push(passwordHashing()), 5);
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => hashPassword(`password-${i}`)));
      expect(new Set(results).size).toBe(6);
    } finally {
      clearInterval(sampler);
    }
    expect(Math.max(...seen.map((s) => s.active))).toBe(2);
    expect(Math.max(...seen.map((s) => s.waiting))).toBeGreaterThan(0);
    expect(passwordHashing()).toEqual({ active: 0, waiting: 0 });
  });
});
