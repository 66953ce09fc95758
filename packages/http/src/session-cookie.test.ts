import { describe, expect, it } from "vitest";
import { sessionCookie } from "./session-cookie.ts";

describe("sessionCookie", () => {
  it("is Secure and host-only (__Host-) unless the app is served over plain HTTP", () => {
    expect(sessionCookie("dotmac_session")).toEqual({
      name: "__Host-dotmac_session",
      options: { httpOnly: true, sameSite: "Strict", secure: true, path: "/" },
    });
    expect(sessionCookie("dotmac_session", true)).toEqual({
      name: "dotmac_session",
      options: { httpOnly: true, sameSite: "Strict", secure: false, path: "/" },
    });
  });
});
