import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** Sealed with the tenant key itself, before key ids: read, never written (`reseal` replaces them). */
const LEGACY = 1;
const VERSION = 2;
const KEY_ID = 4;
const NONCE = 12;
const TAG = 16;

/**
 * A subkey of a tenant key for one purpose (HKDF-SHA256, no salt): sealing, the RADIUS control
 * token and the key id never share key material. `dotmac_subkey` in the tenant database computes
 * the same, for FreeRADIUS.
 */
const subkey = (key: Buffer, purpose: string) =>
  Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `dotmac:${purpose}`, 32));

interface RingKey {
  readonly raw: Buffer;
  /** Names the key in what it sealed, so opening needs no trial decryption. */
  readonly id: Buffer;
  readonly sealing: Buffer;
}

const ringKey = (raw: Buffer): RingKey => {
  if (raw.length !== 32) throw new Error("the secrets key is 32 bytes (base64 of 32 random bytes)");
  return { raw, id: subkey(raw, "key-id").subarray(0, KEY_ID), sealing: subkey(raw, "seal") };
};

/**
 * AES-256-GCM for secrets the platform must read back (RADIUS passwords for CHAP, NAS shared
 * secrets), under a keyring: it seals with the current key and opens with any key it holds, so a
 * tenant's key can be rotated while what the old one sealed is re-sealed (`dotmac-isp-ops
 * reseal`). Layout: version 2 (1) | key id (4) | nonce (12) | tag (16) | ciphertext. The
 * associated data binds a value to its place (e.g. "radius:<subscriber id>"), so a ciphertext
 * copied to another row does not decrypt.
 */
export class SecretBox {
  private readonly current: RingKey;
  private readonly previous: readonly RingKey[];

  constructor(key: Buffer, previousKeys: readonly Buffer[] = []) {
    this.current = ringKey(key);
    this.previous = previousKeys.map(ringKey);
  }

  /**
   * From environment values: base64 (or base64url) of 32 random bytes, and the keys it replaced
   * (comma-separated, newest first) while what they sealed is re-sealed.
   */
  static fromEnv(value: string | undefined, previous = "", name = "TENANT_SECRETS_KEY"): SecretBox {
    if (!value) throw new Error(`set ${name} to base64 of 32 random bytes (openssl rand -base64 32)`);
    const old = previous
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean);
    return new SecretBox(
      Buffer.from(value, "base64"),
      old.map((k) => Buffer.from(k, "base64")),
    );
  }

  /** The current key's id (hex): what `reseal` reports and pods are annotated with. */
  get keyId(): string {
    return this.current.id.toString("hex");
  }

  seal(plaintext: string, context: string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", this.current.sealing, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), this.current.id, nonce, cipher.getAuthTag(), body]);
  }

  /** Whether `sealed` is under the current key already (nothing for `reseal` to do). */
  sealedWithCurrent(sealed: Buffer): boolean {
    return sealed.subarray(0, 1 + KEY_ID).equals(this.sealedPrefix);
  }

  /** What everything the current key seals starts with (version and key id): lets SQL find the rest. */
  get sealedPrefix(): Buffer {
    return Buffer.concat([Buffer.from([VERSION]), this.current.id]);
  }

  /**
   * A value derived from the key for one purpose, e.g. the bearer token the tenant's isp-ops
   * presents to its RADIUS server: both hold the key, neither stores the token.
   */
  derive(purpose: string): string {
    return subkey(this.current.raw, `derive:${purpose}`).toString("base64url");
  }

  /** Whether `presented` is what `derive(purpose)` gives under any key of the ring (constant time). */
  isDerived(purpose: string, presented: string): boolean {
    const given = Buffer.from(presented);
    return [this.current, ...this.previous]
      .map((k) => Buffer.from(subkey(k.raw, `derive:${purpose}`).toString("base64url")))
      .reduce(
        (ok, expected) => (given.length === expected.length && timingSafeEqual(given, expected)) || ok,
        false,
      );
  }

  open(sealed: Buffer, context: string): string {
    if (sealed[0] === LEGACY && sealed.length >= 1 + NONCE + TAG) {
      // No key id: the one key whose tag checks out is the one that sealed it.
      for (const key of [this.current, ...this.previous]) {
        const plain = decrypt(key.raw, sealed.subarray(1), context);
        if (plain !== undefined) return plain;
      }
      throw new Error("a sealed secret no key of this keyring opens");
    }
    if (sealed[0] !== VERSION || sealed.length < 1 + KEY_ID + NONCE + TAG)
      throw new Error("not a sealed secret");
    const id = sealed.subarray(1, 1 + KEY_ID);
    const key = [this.current, ...this.previous].find((k) => k.id.equals(id));
    if (!key) throw new Error(`sealed with key ${id.toString("hex")}, which this keyring does not hold`);
    const plain = decrypt(key.sealing, sealed.subarray(1 + KEY_ID), context);
    if (plain === undefined)
      throw new Error("a sealed secret that does not authenticate (altered, or moved from its row)");
    return plain;
  }
}

/** nonce | tag | ciphertext under `key`, or undefined when the tag does not check out. */
function decrypt(key: Buffer, sealed: Buffer, context: string): string | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(NONCE, NONCE + TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(NONCE + TAG)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
