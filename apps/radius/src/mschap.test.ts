import { describe, expect, it } from "vitest";
import {
  authenticatorResponse,
  challengeHash,
  challengeResponse,
  encryptMppeKey,
  mppeKeys,
  msChapReject,
  ntPasswordHash,
  verifyMsChapV2,
} from "./mschap.ts";

const hex = (s: string) => Buffer.from(s.replaceAll(" ", ""), "hex");

// RFC 2759 §9.2 and RFC 3079 §3.5.3: the published sample values.
const username = "User";
const password = "clientPass";
const authChallenge = hex("5B5D7C7D7B3F2F3E3C2C602132262628");
const peerChallenge = hex("21402324255E262A28295F2B3A337C7E");
const ntResponse = hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");

describe("MS-CHAPv2", () => {
  it("matches RFC 2759's sample values", () => {
    expect(ntPasswordHash(password).toString("hex").toUpperCase()).toBe("44EBBA8D5312B8D611474411F56989AE");
    const challenge = challengeHash(peerChallenge, authChallenge, username);
    expect(challenge.toString("hex").toUpperCase()).toBe("D02E4386BCE91226");
    expect(challengeResponse(challenge, ntPasswordHash(password))).toEqual(ntResponse);
    expect(
      authenticatorResponse(ntPasswordHash(password), ntResponse, peerChallenge, authChallenge, username),
    ).toBe("S=407A5589115FD0D6209F510FE9C04566932CDA56");
  });

  it("derives RFC 3079's MPPE master key", () => {
    expect(mppeKeys(ntPasswordHash(password), ntResponse).master.toString("hex").toUpperCase()).toBe(
      "FDECE3717A8C838CB388E527AE3CDD31",
    );
  });

  it("verifies a response, and refuses a wrong password or a malformed one", () => {
    const response = Buffer.concat([Buffer.from([7, 0]), peerChallenge, Buffer.alloc(8), ntResponse]);
    const ok = verifyMsChapV2(authChallenge, response, username, password);
    expect(ok?.success.toString("latin1")).toBe("\u0007S=407A5589115FD0D6209F510FE9C04566932CDA56");
    expect(verifyMsChapV2(authChallenge, response, username, "otherPass")).toBeUndefined();
    expect(verifyMsChapV2(authChallenge, response.subarray(0, 49), username, password)).toBeUndefined();
    const [[, vendor, [[name, value]]]] = msChapReject(
      { challenge: authChallenge, response },
      "account suspended",
    ) as [["Vendor-Specific", number, [[string, Buffer]]]];
    expect([vendor, name]).toEqual([311, "MS-CHAP-Error"]);
    expect(value.toString("latin1")).toBe(
      "\u0007E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=account suspended",
    );
  });

  it("salts MPPE keys with the high bit set, pads them to 16 bytes and keys them to the secret", () => {
    const key = hex("8B7CDC149B993A1BA118CB153F56DCCB");
    const authenticator = Buffer.alloc(16, 0x42);
    const sealed = encryptMppeKey(key, "s3cret", authenticator, Buffer.from([0x01, 0x02]));
    expect(sealed.length).toBe(2 + 32);
    expect(sealed[0]).toBe(0x81);
    expect(encryptMppeKey(key, "s3cret", authenticator, Buffer.from([0x01, 0x02]))).toEqual(sealed);
    expect(encryptMppeKey(key, "other", authenticator, Buffer.from([0x01, 0x02]))).not.toEqual(sealed);
  });
});
