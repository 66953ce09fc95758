import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ReplyAttribute } from "./reply.ts";

const require = createRequire(import.meta.url);

/** The `radius` package (CommonJS, untyped): packet encoding and decoding with dictionaries. */
interface RadiusLib {
  add_dictionary(path: string): void;
  decode(args: { packet: Buffer; secret: string }): DecodedPacket;
  encode(args: {
    code: string;
    identifier: number;
    authenticator?: Buffer;
    attributes: unknown[];
    secret: string;
    add_message_authenticator: boolean;
  }): Buffer;
  verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
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

const MESSAGE_AUTHENTICATOR = 80;
const PROXY_STATE = 33;

export const decode = (packet: Buffer, secret: string) => radius.decode({ packet, secret });

/** Whether the raw packet carries a Message-Authenticator (checked before decoding trusts it). */
export function hasMessageAuthenticator(packet: Buffer): boolean {
  let offset = 20;
  const length = Math.min(packet.length, packet.readUInt16BE(2));
  while (offset + 2 <= length) {
    const type = packet[offset] ?? 0;
    const len = packet[offset + 1] ?? 0;
    if (len < 2) return false;
    if (type === MESSAGE_AUTHENTICATOR) return true;
    offset += len;
  }
  return false;
}

/**
 * A response to `request`: Proxy-State copied back (RFC 2865), and a Message-Authenticator on
 * every Access-Accept/Reject (RFC 3579; the Blast-RADIUS mitigation asks servers to always send
 * one there). Accounting-Responses carry none: RFC 2866 authenticates them by their
 * Response Authenticator alone, and NAS clients such as radclient reject an unexpected one.
 */
export function respond(
  request: DecodedPacket,
  code: string,
  secret: string,
  attributes: ReplyAttribute[],
): Buffer {
  const proxyState = request.raw_attributes.filter(([type]) => type === PROXY_STATE);
  return radius.encode({
    code,
    identifier: request.identifier,
    authenticator: request.authenticator,
    attributes: [...attributes, ...proxyState],
    secret,
    add_message_authenticator: code.startsWith("Access-"),
  });
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

/** Whether `response` really answers `sent` (its Response Authenticator and Message-Authenticator). */
export function verifyResponse(sent: Buffer, response: Buffer, secret: string): boolean {
  try {
    return radius.verify_response({ request: sent, response: Buffer.from(response), secret });
  } catch {
    return false;
  }
}
