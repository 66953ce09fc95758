import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

/**
 * AES-256-GCM for secrets the platform must read back (RADIUS passwords for CHAP, NAS shared
 * secrets). Layout: version (1) | nonce (12) | tag (16) | ciphertext. The associated data binds
 * a value to its place (e.g. "radius:<subscriber id>"), so a ciphertext copied to another row
 * does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("the secrets key is 32 bytes (base64 of 32 random bytes)");
    this.key = key;
  }

  /** From an environment value: base64 (or base64url) of 32 random bytes. */
  static fromEnv(value: string | undefined, name = "TENANT_SECRETS_KEY"): SecretBox {
    if (!value) throw new Error(`set ${name} to base64 of 32 random bytes (openssl rand -base64 32)`);
    return new SecretBox(Buffer.from(value, "base64"));
  }

  seal(plaintext: string, context: string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  /**
   * A value derived from the key for one purpose (HMAC-SHA256), e.g. the bearer token the tenant's
   * isp-ops presents to its RADIUS server: both hold the key, neither stores the token.
   */
  derive(purpose: string): string {
    return createHmac("sha256", this.key).update(`dotmac:${purpose}`).digest("base64url");
  }

  open(sealed: Buffer, context: string): string {
    if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION) throw new Error("not a sealed secret");
    const nonce = sealed.subarray(1, 1 + NONCE);
    const tag = sealed.subarray(1 + NONCE, 1 + NONCE + TAG);
    const decipher = createDecipheriv("aes-256-gcm", this.key, nonce);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE + TAG)), decipher.final()]).toString(
      "utf8",
    );
  }
}

/** The associated data each sealed secret is bound to: its row. */
export const sealedFor = {
  radiusPassword: (subscriberId: string) => `radius:${subscriberId}`,
  nasSecret: (nasId: string) => `nas:${nasId}`,
};
