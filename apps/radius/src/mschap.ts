import { createHash, randomBytes } from "node:crypto";
// OpenSSL 3 keeps MD4 and DES in its legacy provider, which Node does not load: pure-JS ones.
import des from "des.js";
import md4 from "js-md4";
import { sameBytes } from "./compare.ts";
import type { ReplyAttribute } from "./reply.ts";

const sha1 = (...parts: Buffer[]) => createHash("sha1").update(Buffer.concat(parts)).digest();
const md5 = (...parts: Buffer[]) => createHash("md5").update(Buffer.concat(parts)).digest();

/** RFC 2759 NtPasswordHash: MD4 of the UTF-16LE password. */
export const ntPasswordHash = (password: string) =>
  Buffer.from(md4.arrayBuffer(Buffer.from(password, "utf16le")));

/** RFC 2759 ChallengeHash: the 8 bytes both sides answer. */
export const challengeHash = (peerChallenge: Buffer, authChallenge: Buffer, username: string) =>
  sha1(peerChallenge, authChallenge, Buffer.from(username, "utf8")).subarray(0, 8);

/** DES with a 7-byte key spread over 8 bytes (parity bits unused). */
function desEncrypt(key7: Buffer, block: Buffer): Buffer {
  const key: number[] = [];
  let bits = 0n;
  for (const byte of key7) bits = (bits << 8n) | BigInt(byte);
  for (let i = 0; i < 8; i++) key.push(Number((bits >> BigInt(49 - 7 * i)) & 0x7fn) << 1);
  const cipher = des.DES.create({ type: "encrypt", key, padding: false });
  return Buffer.from([...cipher.update([...block]), ...cipher.final()]);
}

/** RFC 2759 ChallengeResponse: the 24-byte NT-Response for a password hash. */
export function challengeResponse(challenge: Buffer, passwordHash: Buffer): Buffer {
  const z = Buffer.concat([passwordHash, Buffer.alloc(21 - passwordHash.length)]);
  return Buffer.concat([0, 7, 14].map((at) => desEncrypt(z.subarray(at, at + 7), challenge)));
}

const MAGIC1 = Buffer.from("Magic server to client signing constant");
const MAGIC2 = Buffer.from("Pad to make it do more than one iteration");

/** RFC 2759 GenerateAuthenticatorResponse: "S=" and 40 hex digits, proving the server knew the password. */
export function authenticatorResponse(
  passwordHash: Buffer,
  ntResponse: Buffer,
  peerChallenge: Buffer,
  authChallenge: Buffer,
  username: string,
): string {
  const hashHash = Buffer.from(md4.arrayBuffer(passwordHash));
  const digest = sha1(hashHash, ntResponse, MAGIC1);
  const challenge = challengeHash(peerChallenge, authChallenge, username);
  return `S=${sha1(digest, challenge, MAGIC2).toString("hex").toUpperCase()}`;
}

const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);
const MASTER = Buffer.from("This is the MPPE Master Key");
const SERVER_RECV = Buffer.from(
  "On the client side, this is the send key; on the server side, it is the receive key.",
);
const SERVER_SEND = Buffer.from(
  "On the client side, this is the receive key; on the server side, it is the send key.",
);

/** RFC 3079 128-bit MPPE start keys, from the server's side. */
export function mppeKeys(
  passwordHash: Buffer,
  ntResponse: Buffer,
): { send: Buffer; recv: Buffer; master: Buffer } {
  const hashHash = Buffer.from(md4.arrayBuffer(passwordHash));
  const master = sha1(hashHash, ntResponse, MASTER).subarray(0, 16);
  const startKey = (magic: Buffer) => sha1(master, SHS_PAD1, magic, SHS_PAD2).subarray(0, 16);
  return { send: startKey(SERVER_SEND), recv: startKey(SERVER_RECV), master };
}

/**
 * RFC 2548 §2.4.2: an MS-MPPE-Send/Recv-Key value, salted and encrypted with the shared secret
 * and the request's authenticator.
 */
export function encryptMppeKey(
  key: Buffer,
  secret: string,
  requestAuthenticator: Buffer,
  salt = randomBytes(2),
): Buffer {
  const a = Buffer.from([(salt[0] ?? 0) | 0x80, salt[1] ?? 0]);
  const plain = Buffer.concat([Buffer.from([key.length]), key]);
  const p = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const s = Buffer.from(secret, "utf8");
  const out: Buffer[] = [a];
  let previous = Buffer.concat([requestAuthenticator, a]);
  for (let i = 0; i < p.length; i += 16) {
    const b = md5(s, previous);
    const c = Buffer.alloc(16);
    for (let j = 0; j < 16; j++) c[j] = (p[i + j] ?? 0) ^ (b[j] ?? 0);
    out.push(c);
    previous = c;
  }
  return Buffer.concat(out);
}

export interface MsChapV2Success {
  readonly success: Buffer;
  readonly keys: { readonly send: Buffer; readonly recv: Buffer };
}

/**
 * Checks an MS-CHAP2-Response (RFC 2548: ident, flags, 16-byte peer challenge, 8 reserved,
 * 24-byte NT-Response) against the cleartext password; on success gives MS-CHAP2-Success and the
 * MPPE keys; undefined when the password does not match or the response is malformed.
 */
export function verifyMsChapV2(
  authChallenge: Buffer,
  response: Buffer,
  username: string,
  password: string,
): MsChapV2Success | undefined {
  if (authChallenge.length !== 16 || response.length !== 50) return undefined;
  const peerChallenge = response.subarray(2, 18);
  const ntResponse = response.subarray(26, 50);
  const hash = ntPasswordHash(password);
  const expected = challengeResponse(challengeHash(peerChallenge, authChallenge, username), hash);
  if (!sameBytes(expected, ntResponse)) return undefined;
  const s = authenticatorResponse(hash, ntResponse, peerChallenge, authChallenge, username);
  const { send, recv } = mppeKeys(hash, ntResponse);
  return { success: Buffer.concat([response.subarray(0, 1), Buffer.from(s)]), keys: { send, recv } };
}

/** The MS-CHAPv2 parts of a request, when it is one. */
export function msChapV2Request(
  attributes: Record<string, unknown>,
): { challenge: Buffer; response: Buffer } | undefined {
  const vsa = attributes["Vendor-Specific"] as Record<string, unknown> | undefined;
  const challenge = vsa?.["MS-CHAP-Challenge"];
  const response = vsa?.["MS-CHAP2-Response"];
  return Buffer.isBuffer(challenge) && Buffer.isBuffer(response) ? { challenge, response } : undefined;
}

const MICROSOFT = 311;
/** Encryption allowed (1), 40- or 128-bit (2 | 4): FreeRADIUS rlm_mschap's defaults. */
const MPPE_POLICY = 1;
const MPPE_TYPES = 6;

/** What an Access-Accept adds for MS-CHAPv2: the success message and the MPPE keys. */
export function msChapAccept(
  ok: MsChapV2Success,
  secret: string,
  requestAuthenticator: Buffer,
): ReplyAttribute[] {
  return [
    [
      "Vendor-Specific",
      MICROSOFT,
      [
        ["MS-CHAP2-Success", ok.success],
        ["MS-MPPE-Encryption-Policy", MPPE_POLICY],
        ["MS-MPPE-Encryption-Types", MPPE_TYPES],
        ["MS-MPPE-Send-Key", encryptMppeKey(ok.keys.send, secret, requestAuthenticator)],
        ["MS-MPPE-Recv-Key", encryptMppeKey(ok.keys.recv, secret, requestAuthenticator)],
      ],
    ],
  ];
}

/** What an Access-Reject adds for MS-CHAPv2: E=691 (authentication failure), no retry, and why. */
export function msChapReject(
  request: { challenge: Buffer; response: Buffer },
  message: string,
): ReplyAttribute[] {
  const text = `E=691 R=0 C=${request.challenge.toString("hex").toUpperCase()} V=3 M=${message}`;
  return [
    [
      "Vendor-Specific",
      MICROSOFT,
      [["MS-CHAP-Error", Buffer.concat([request.response.subarray(0, 1), Buffer.from(text)])]],
    ],
  ];
}
