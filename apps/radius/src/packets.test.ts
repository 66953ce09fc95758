import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  InvalidSecretError,
  radiusCodec as radius,
  request,
  respond,
  verifyResponse,
} from "./packets.ts";

const SECRET = "nas-shared-secret";

/**
 * A copy of `packet` with one byte of the 16-byte digest at `at` changed so that its UTF-8 decoding
 * stays the same (a lone continuation byte swapped for another), or undefined when it has none.
 */
function utf8BlindForgery(packet: Buffer, at: number): Buffer | undefined {
  const digest = packet.subarray(at, at + 16);
  const i = digest.findIndex((b, k) => b >= 0x80 && b <= 0xbf && (k === 0 || (digest[k - 1] ?? 0) < 0x80));
  if (i === -1) return undefined;
  const forged = Buffer.from(packet);
  forged[at + i] = (digest[i] ?? 0) === 0x80 ? 0x81 : 0x80;
  return forged;
}

const accessRequest = (identifier: number, password = "pw") =>
  radius.encode({
    code: "Access-Request",
    secret: SECRET,
    identifier,
    attributes: [
      ["User-Name", "alice"],
      ["User-Password", password],
    ],
    add_message_authenticator: true,
  });

/** An Accounting-Request signed as FreeRADIUS signs one: MA over a zeroed vector, then the vector. */
function accountingRequest(withMessageAuthenticator: boolean): Buffer {
  const attrs = [
    Buffer.from([1, 7, ...Buffer.from("alice")]),
    Buffer.from([40, 6, 0, 0, 0, 1]), // Acct-Status-Type = Start
    ...(withMessageAuthenticator ? [Buffer.from([80, 18, ...Buffer.alloc(16)])] : []),
  ];
  const packet = Buffer.concat([Buffer.from([4, 9, 0, 0]), Buffer.alloc(16), ...attrs]);
  packet.writeUInt16BE(packet.length, 2);
  if (withMessageAuthenticator) {
    createHmac("md5", SECRET)
      .update(packet)
      .digest()
      .copy(packet, packet.length - 16);
  }
  createHash("md5").update(packet).update(SECRET).digest().copy(packet, 4);
  return packet;
}

describe("request decoding", () => {
  it("opens User-Password of any length as the RFC says (the library's own decoding agrees)", () => {
    for (const password of ["x", "sixteen-chars-pw", "seventeen-chars-p", "ü-unicode-and-long-".repeat(5)]) {
      const packet = accessRequest(7, password);
      expect(decodeRequest(packet, SECRET).attributes["User-Password"]).toBe(password);
      expect(radius.decode({ packet, secret: SECRET }).attributes["User-Password"]).toBe(password);
    }
  });

  it("refuses a Message-Authenticator that differs only where UTF-8 cannot tell (the library accepts it)", () => {
    for (let identifier = 0; identifier < 256; identifier++) {
      const packet = accessRequest(identifier);
      const forged = utf8BlindForgery(packet, packet.length - 16);
      if (!forged) continue;
      expect(() => radius.decode({ packet: forged, secret: SECRET })).not.toThrow();
      expect(() => decodeRequest(forged, SECRET)).toThrow(InvalidSecretError);
      expect(decodeRequest(packet, SECRET).attributes["User-Name"]).toBe("alice");
      return;
    }
    throw new Error("no digest with a lone continuation byte in 256 packets");
  });

  it("refuses a request signed with another secret", () => {
    const packet = accessRequest(3);
    expect(() => decodeRequest(packet, "another-secret")).toThrow(InvalidSecretError);
  });

  it("checks an Accounting-Request's authenticator and Message-Authenticator, signed as FreeRADIUS does", () => {
    for (const withMa of [false, true]) {
      const packet = accountingRequest(withMa);
      expect(decodeRequest(packet, SECRET).attributes["Acct-Status-Type"]).toBe("Start");
      const tampered = Buffer.from(packet);
      tampered[22] = 0x62; // "alice" -> "blice": the vector no longer matches
      expect(() => decodeRequest(tampered, SECRET)).toThrow(InvalidSecretError);
      expect(() => decodeRequest(packet, "another-secret")).toThrow(InvalidSecretError);
    }
  });

  it("refuses a User-Password that is not whole 16-octet blocks", () => {
    const packet = Buffer.concat([
      Buffer.from([1, 1, 0, 0]),
      Buffer.alloc(16, 1),
      Buffer.from([1, 7, ...Buffer.from("alice")]),
      Buffer.from([2, 7, 1, 2, 3, 4, 5]),
    ]);
    packet.writeUInt16BE(packet.length, 2);
    expect(() => decodeRequest(packet, SECRET)).toThrow(/malformed User-Password/);
  });
});

describe("response verification (Disconnect ACK/NAK)", () => {
  const sent = request("Disconnect-Request", 42, SECRET, [["User-Name", "alice"]]);
  const answer = (secret: string, withMa: boolean) =>
    radius.encode_response({
      packet: radius.decode({ packet: sent, secret: SECRET }),
      code: "Disconnect-NAK",
      secret,
      attributes: [["Error-Cause", "Session-Context-Not-Found"]],
      add_message_authenticator: withMa,
    });

  it("accepts a genuine answer, with or without a Message-Authenticator", () => {
    expect(verifyResponse(sent, answer(SECRET, false), SECRET)).toBe(true);
    expect(verifyResponse(sent, answer(SECRET, true), SECRET)).toBe(true);
  });

  it("refuses another secret, another request's answer, a changed attribute or a cut packet", () => {
    for (const withMa of [false, true]) {
      const genuine = answer(SECRET, withMa);
      expect(verifyResponse(sent, answer("wrong", withMa), SECRET)).toBe(false);
      const other = request("Disconnect-Request", 42, SECRET, [["User-Name", "bob"]]);
      expect(verifyResponse(other, genuine, SECRET)).toBe(false);
      const changed = Buffer.from(genuine);
      changed[25] = (changed[25] ?? 0) ^ 1;
      expect(verifyResponse(sent, changed, SECRET)).toBe(false);
      expect(verifyResponse(sent, genuine.subarray(0, 19), SECRET)).toBe(false);
    }
  });

  it("refuses an authenticator that differs only where UTF-8 cannot tell (the library accepts it)", () => {
    for (let n = 0; n < 256; n++) {
      const sentN = request("Disconnect-Request", n, SECRET, [["User-Name", `user${n}`]]);
      const genuine = radius.encode_response({
        packet: radius.decode({ packet: sentN, secret: SECRET }),
        code: "Disconnect-ACK",
        secret: SECRET,
      });
      const forged = utf8BlindForgery(genuine, 4);
      if (!forged) continue;
      expect(verifyResponse(sentN, genuine, SECRET)).toBe(true);
      expect(verifyResponse(sentN, forged, SECRET)).toBe(false);
      return;
    }
    throw new Error("no digest with a lone continuation byte in 256 answers");
  });
});

describe("answers to a NAS", () => {
  it("puts the Message-Authenticator first in every Access answer, signed in RFC 3579's order", () => {
    const sent = accessRequest(7);
    const decoded = decodeRequest(sent, SECRET);
    for (const code of ["Access-Accept", "Access-Reject"]) {
      const answer = respond(decoded, code, SECRET, [
        ["Reply-Message", "hello"],
        ["Session-Timeout", 60],
      ]);
      expect(answer[20], code).toBe(80);
      expect(answer[21], code).toBe(18);
      // Ours and the library's reading of it agree, byte for byte.
      expect(verifyResponse(sent, answer, SECRET), code).toBe(true);
      expect(radius.decode({ packet: answer, secret: SECRET }).attributes["Reply-Message"]).toBe("hello");
      const changed = Buffer.from(answer);
      changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 1;
      expect(verifyResponse(sent, changed, SECRET), code).toBe(false);
    }
  });

  it("gives an Accounting-Response none, and still a valid Response Authenticator", () => {
    const sent = radius.encode({
      code: "Accounting-Request",
      secret: SECRET,
      identifier: 9,
      attributes: [
        ["Acct-Status-Type", "Start"],
        ["Acct-Session-Id", "s1"],
      ],
    });
    const answer = respond(decodeRequest(sent, SECRET), "Accounting-Response", SECRET, []);
    expect(answer.length).toBe(20);
    expect(verifyResponse(sent, answer, SECRET)).toBe(true);
  });
});
