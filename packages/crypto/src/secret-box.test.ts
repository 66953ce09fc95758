import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.ts";

const oldKey = Buffer.alloc(32, 1);
const newKey = Buffer.alloc(32, 2);

/** What SecretBox wrote before key ids (version 1, AES-GCM under the tenant key itself). */
function legacySeal(key: Buffer, plaintext: string, context: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), body]);
}

describe("SecretBox keyring", () => {
  it("opens, after a rotation, whatever the old key sealed, and seals only with the new one", () => {
    const before = new SecretBox(oldKey);
    const rotated = new SecretBox(newKey, [oldKey]);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.uuid(), (plain, id) => {
        const context = `radius:${id}`;
        expect(rotated.open(before.seal(plain, context), context)).toBe(plain);
        expect(rotated.open(legacySeal(oldKey, plain, context), context)).toBe(plain);
        const resealed = rotated.seal(plain, context);
        expect(rotated.sealedWithCurrent(resealed)).toBe(true);
        expect(new SecretBox(newKey).open(resealed, context)).toBe(plain);
      }),
    );
    expect(rotated.sealedWithCurrent(before.seal("x", "y"))).toBe(false);
    expect(rotated.sealedWithCurrent(legacySeal(oldKey, "x", "y"))).toBe(false);
  });

  it("names the key a value needs when the ring lacks it, and refuses a value moved or altered", () => {
    const sealed = new SecretBox(oldKey).seal("secret", "nas:a");
    expect(() => new SecretBox(newKey).open(sealed, "nas:a")).toThrow(
      new RegExp(`sealed with key ${new SecretBox(oldKey).keyId}, which this keyring does not hold`),
    );
    expect(() => new SecretBox(oldKey).open(sealed, "nas:b")).toThrow(/does not authenticate/);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered.at(-1) ?? 0) ^ 1;
    expect(() => new SecretBox(oldKey).open(altered, "nas:a")).toThrow(/does not authenticate/);
    expect(() => new SecretBox(newKey).open(legacySeal(oldKey, "x", "nas:a"), "nas:a")).toThrow(
      /no key of this keyring opens/,
    );
  });

  it("seals with a subkey: neither the tenant key itself nor the control token's key opens it", () => {
    const box = new SecretBox(oldKey);
    const sealed = box.seal("secret", "nas:a");
    const [nonce, tag, body] = [sealed.subarray(5, 17), sealed.subarray(17, 33), sealed.subarray(33)];
    const withKey = (key: Buffer) => {
      const d = createDecipheriv("aes-256-gcm", key, nonce);
      d.setAAD(Buffer.from("nas:a"));
      d.setAuthTag(tag);
      return () => Buffer.concat([d.update(body), d.final()]);
    };
    expect(withKey(oldKey)).toThrow(/unable to authenticate/);
    expect(withKey(Buffer.from(box.derive("radius-control"), "base64url"))).toThrow(/unable to authenticate/);
  });

  it("accepts the control token of any key in the ring, so pods on either side of a rotation talk", () => {
    const token = (box: SecretBox) => box.derive("radius-control");
    const rotated = new SecretBox(newKey, [oldKey]);
    expect(rotated.isDerived("radius-control", token(new SecretBox(oldKey)))).toBe(true);
    expect(rotated.isDerived("radius-control", token(new SecretBox(newKey)))).toBe(true);
    expect(rotated.isDerived("radius-control", token(new SecretBox(Buffer.alloc(32, 3))))).toBe(false);
    expect(rotated.isDerived("other-purpose", token(new SecretBox(newKey)))).toBe(false);
    expect(new SecretBox(newKey).isDerived("radius-control", token(new SecretBox(oldKey)))).toBe(false);
  });

  it("reads its keyring from the environment, newest first", () => {
    const box = SecretBox.fromEnv(newKey.toString("base64"), ` ${oldKey.toString("base64")} ,`);
    expect(box.keyId).toBe(new SecretBox(newKey).keyId);
    expect(box.open(new SecretBox(oldKey).seal("a", "b"), "b")).toBe("a");
    expect(() => SecretBox.fromEnv(newKey.toString("base64"), "c2hvcnQ=")).toThrow(/32 bytes/);
  });
});
