import { createHash, createHmac } from "node:crypto";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { sameBytes } from "./compare.ts";
import type { ReplyAttribute } from "./reply.ts";

const require = createRequire(import.meta.url);

/** The `radius` package (CommonJS, untyped): packet encoding and decoding with dictionaries. */
interface RadiusLib {
  add_dictionary(path: string): void;
  decode(args: { packet: Buffer; secret: string; no_secret?: boolean }): DecodedPacket;
  encode(args: {
    code: string;
    identifier?: number;
    authenticator?: Buffer;
    attributes: unknown[];
    secret: string;
    add_message_authenticator?: boolean;
  }): Buffer;
  encode_response(args: {
    packet: DecodedPacket;
    code: string;
    secret: string;
    attributes?: unknown[];
    add_message_authenticator?: boolean;
  }): Buffer;
}

export interface DecodedPacket {
  code: string;
  identifier: number;
  authenticator: Buffer;
  attributes: Record<string, unknown>;
  raw_attributes: [number, Buffer][];
}

const radius = require("radius") as RadiusLib;
const dictionaries = fileURLToPath(new URL("../dictionaries/", import.meta.url));
for (const file of readdirSync(dictionaries)) radius.add_dictionary(`${dictionaries}${file}`);

/**
 * The package itself, with our dictionaries loaded, for tests and load generators that play the
 * NAS. Not for verifying what a peer sent: its digest checks are not byte-exact (see below).
 */
export const radiusCodec: Omit<RadiusLib, "add_dictionary"> = radius;

const USER_PASSWORD = 2;
const MESSAGE_AUTHENTICATOR = 80;
export const PROXY_STATE = 33;
const ACCESS_REQUEST = 1;
const STATUS_SERVER = 12;

/** The packet was not signed with the NAS's secret (dropped as `bad_authenticator`). */
export class InvalidSecretError extends Error {}

/** A response from a NAS (Disconnect/CoA ACK or NAK), once `verifyResponse` has found it genuine. */
export const decodeResponse = (packet: Buffer, secret: string) =>
  radius.decode({ packet: packet.subarray(0, packet.readUInt16BE(2)), secret, no_secret: true });

/** Where the first attribute of `type` starts its value in the raw packet, if it has one. */
function attributeOffset(packet: Buffer, type: number): number | undefined {
  let offset = 20;
  const length = Math.min(packet.length, packet.readUInt16BE(2));
  while (offset + 2 <= length) {
    const len = packet[offset + 1] ?? 0;
    if (len < 2) return undefined;
    if (packet[offset] === type) return offset + 2;
    offset += len;
  }
  return undefined;
}

/** Whether the raw packet carries an attribute of `type` (checked before decoding trusts it). */
export const hasAttribute = (packet: Buffer, type: number) => attributeOffset(packet, type) !== undefined;

export const hasMessageAuthenticator = (packet: Buffer) => hasAttribute(packet, MESSAGE_AUTHENTICATOR);

/**
 * A request from a NAS, decoded only once it is proven to come from a holder of the secret: the
 * Message-Authenticator (RFC 3579; with the vector zeroed for accounting and CoA-type requests,
 * as FreeRADIUS signs them) and, for those, the Request Authenticator (RFC 2866), compared byte
 * for byte. The `radius` package checks both by comparing UTF-8 decodings of the digests, which
 * lets unequal digests match, and re-encodes the whole packet to check the first.
 */
export function decodeRequest(packet: Buffer, secret: string): DecodedPacket {
  const data = packet.subarray(0, packet.readUInt16BE(2));
  const randomVector = data[0] === ACCESS_REQUEST || data[0] === STATUS_SERVER;
  const ma = attributeOffset(data, MESSAGE_AUTHENTICATOR);
  if (ma !== undefined) {
    if (data[ma - 1] !== 18) throw new Error("malformed Message-Authenticator");
    const signed = Buffer.from(data);
    signed.fill(0, ma, ma + 16);
    if (!randomVector) signed.fill(0, 4, 20);
    const expected = createHmac("md5", secret).update(signed).digest();
    if (!sameBytes(expected, data.subarray(ma, ma + 16)))
      throw new InvalidSecretError("Message-Authenticator mismatch");
  }
  if (!randomVector) {
    const signed = Buffer.from(data);
    signed.fill(0, 4, 20);
    const expected = createHash("md5").update(signed).update(secret).digest();
    if (!sameBytes(expected, data.subarray(4, 20)))
      throw new InvalidSecretError("Request Authenticator mismatch");
  }
  const decoded = radius.decode({ packet: data, secret, no_secret: true });
  const password = decoded.raw_attributes.find(([type]) => type === USER_PASSWORD);
  if (password)
    decoded.attributes["User-Password"] = openUserPassword(password[1], secret, decoded.authenticator);
  return decoded;
}

/** RFC 2865 §5.2: User-Password is XORed with an MD5 chain seeded by the secret and the authenticator. */
function openUserPassword(hidden: Buffer, secret: string, authenticator: Buffer): string {
  if (hidden.length < 16 || hidden.length > 128 || hidden.length % 16 !== 0) {
    throw new Error("malformed User-Password");
  }
  const plain = Buffer.alloc(hidden.length);
  let chain = authenticator;
  for (let i = 0; i < hidden.length; i += 16) {
    const pad = createHash("md5").update(secret).update(chain).digest();
    for (let j = 0; j < 16; j++) plain[i + j] = (hidden[i + j] ?? 0) ^ (pad[j] ?? 0);
    chain = hidden.subarray(i, i + 16);
  }
  const end = plain.indexOf(0);
  return plain.subarray(0, end === -1 ? plain.length : end).toString("utf8");
}

/**
 * A response to `request`: Proxy-State copied back (RFC 2865), and on every Access-Accept/Reject
 * a Message-Authenticator as the first attribute (RFC 3579; the Blast-RADIUS mitigation, RFC
 * 9765's advice: first, so no attacker-chosen prefix precedes it). Accounting-Responses carry
 * none: RFC 2866 authenticates them by their Response Authenticator alone, and NAS clients such
 * as radclient reject an unexpected one.
 */
export function respond(
  request: DecodedPacket,
  code: string,
  secret: string,
  attributes: ReplyAttribute[],
): Buffer {
  const proxyState = request.raw_attributes.filter(([type]) => type === PROXY_STATE);
  const access = code.startsWith("Access-");
  const first: [string, Buffer][] = access ? [["Message-Authenticator", Buffer.alloc(16)]] : [];
  const packet = radius.encode({
    code,
    identifier: request.identifier,
    authenticator: request.authenticator,
    attributes: [...first, ...attributes, ...proxyState],
    secret,
    add_message_authenticator: false,
  });
  // Signed here in RFC 3579's order: the HMAC with the request's authenticator in place, then the
  // Response Authenticator over the packet holding that HMAC.
  request.authenticator.copy(packet, 4);
  if (access) createHmac("md5", secret).update(packet).digest().copy(packet, 22);
  createHash("md5").update(packet).update(secret).digest().copy(packet, 4);
  return packet;
}

/** Octets with the Gigawords (RFC 2869) folded in: a 64-bit total. */
export function octets(attributes: Record<string, unknown>, direction: "Input" | "Output"): number {
  const low = Number(attributes[`Acct-${direction}-Octets`] ?? 0);
  const high = Number(attributes[`Acct-${direction}-Gigawords`] ?? 0);
  return high * 2 ** 32 + low;
}

/**
 * A request this server sends (Disconnect-Request, CoA-Request), authenticated per RFC 5176 by
 * its Request Authenticator. No Message-Authenticator (optional there): the `radius` package
 * computes it after the authenticator, which breaks the authenticator of such requests.
 */
export function request(
  code: string,
  identifier: number,
  secret: string,
  attributes: ReplyAttribute[],
): Buffer {
  return radius.encode({ code, identifier, attributes, secret, add_message_authenticator: false });
}

/**
 * Whether `response` really answers `sent`: its Response Authenticator (RFC 2865 §3, MD5 over the
 * response with the request's authenticator in place, then the secret) and, when present, its
 * Message-Authenticator (RFC 3579: HMAC-MD5 over the same with the attribute zeroed), byte for
 * byte. The `radius` package compares both as UTF-8 strings, which lets unequal digests match.
 */
export function verifyResponse(sent: Buffer, response: Buffer, secret: string): boolean {
  if (response.length < 20 || sent.length < 20) return false;
  const length = response.readUInt16BE(2);
  if (length < 20 || length > response.length || response[1] !== sent[1]) return false;
  const data = Buffer.from(response.subarray(0, length));
  const got = Buffer.from(data.subarray(4, 20));
  sent.copy(data, 4, 4, 20);
  const ma = attributeOffset(data, MESSAGE_AUTHENTICATOR);
  if (ma !== undefined) {
    if (data[ma - 1] !== 18) return false;
    const gotMa = Buffer.from(data.subarray(ma, ma + 16));
    data.fill(0, ma, ma + 16);
    if (!sameBytes(createHmac("md5", secret).update(data).digest(), gotMa)) return false;
    gotMa.copy(data, ma);
  }
  return sameBytes(createHash("md5").update(data).update(secret).digest(), got);
}
