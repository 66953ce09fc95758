import { describe, expect, it } from "vitest";
import { crossOriginRefusal } from "./request-origin.ts";

const headers = (h: Record<string, string>) => new Headers(h);

describe("cross-origin refusal", () => {
  it("lets reads and same-origin or non-browser changes through", () => {
    const hosts = ["isp.localhost:3000"];
    expect(crossOriginRefusal("GET", headers({ origin: "http://evil.example" }), hosts)).toBeUndefined();
    expect(crossOriginRefusal("POST", headers({}), hosts)).toBeUndefined();
    expect(
      crossOriginRefusal(
        "POST",
        headers({ origin: "http://isp.localhost:3000", "sec-fetch-site": "same-origin" }),
        hosts,
      ),
    ).toBeUndefined();
  });

  it("refuses a change from another origin, even a same-site one", () => {
    const hosts = ["admin.localhost:3001"];
    expect(crossOriginRefusal("POST", headers({ "sec-fetch-site": "same-site" }), hosts)).toMatch(
      /same-site/,
    );
    expect(crossOriginRefusal("DELETE", headers({ "sec-fetch-site": "cross-site" }), hosts)).toMatch(
      /cross-site/,
    );
    expect(crossOriginRefusal("PATCH", headers({ origin: "http://tenant.localhost:3000" }), hosts)).toMatch(
      /tenant\.localhost/,
    );
    expect(crossOriginRefusal("POST", headers({ origin: "null" }), hosts)).toMatch(/not an origin/);
  });
});
