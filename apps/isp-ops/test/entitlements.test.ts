import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neutralBrand } from "../src/server/branding.ts";
import { PlatformEntitlements } from "../src/server/entitlements.ts";
import { portalGate } from "../src/server/portal/maintenance.ts";

/**
 * The poller against a recording HTTP server that answers as the automation API's
 * GET /tenants/{slug}/entitlements does (its real answers are proved in the API's tenant
 * credential tests and, with a real isp-ops pod, in the npm-start test).
 */
describe("the platform's entitlements, as isp-ops polls them", () => {
  let server: Server;
  let url: string;
  const seen: { path: string; auth: string }[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const granted = (customerPortal: boolean) => ({
    status: 200,
    body: {
      tenant: "west-fibre",
      plan: "professional",
      flags: { customerPortal },
      licence: { seats: 12, validUntil: null },
      admin: null,
    },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization ?? "" });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("keeps the portal open until heard, follows each answer, and keeps the last one while the platform fails", async () => {
    const entitlements = new PlatformEntitlements({
      url,
      token: "dmt_west",
      slug: "west-fibre",
      pollMs: 60_000,
    });
    expect(entitlements.status).toEqual({ state: "pending" });
    expect(entitlements.has("customerPortal")).toBe(true);

    answer = granted(false);
    await entitlements.poll();
    expect(seen.at(-1)).toEqual({
      path: "/api/platform/v1/tenants/west-fibre/entitlements",
      auth: "Bearer dmt_west",
    });
    expect(entitlements.has("customerPortal")).toBe(false);
    expect(entitlements.status).toMatchObject({
      state: "current",
      entitlements: { plan: "professional", licence: { seats: 12 } },
    });

    // A refusal, an answer of the wrong shape and no answer at all change nothing granted.
    for (const failure of [
      { status: 403, body: { status: 403 } },
      { status: 200, body: { flags: "all" } },
    ]) {
      answer = failure;
      await entitlements.poll();
      expect(entitlements.has("customerPortal")).toBe(false);
      expect(entitlements.status).toMatchObject({ state: "stale", error: expect.any(String) });
    }
    answer = granted(true);
    await entitlements.poll();
    expect(entitlements.has("customerPortal")).toBe(true);
    expect(entitlements.status.state).toBe("current");

    const gone = new PlatformEntitlements({
      url: "http://127.0.0.1:9",
      token: "dmt_west",
      slug: "west-fibre",
      pollMs: 2_000,
    });
    await gone.poll();
    expect(gone.status).toMatchObject({ state: "pending", error: expect.any(String) });
    expect(gone.has("customerPortal")).toBe(true);
  });

  it("polls on its own once started, one request at a time", async () => {
    answer = granted(false);
    const entitlements = new PlatformEntitlements({ url, token: "dmt_west", slug: "west-fibre", pollMs: 50 });
    const before = seen.length;
    await Promise.all([entitlements.start(), entitlements.poll(), entitlements.poll()]);
    expect(seen.length).toBe(before + 1);
    answer = granted(true);
    const deadline = Date.now() + 5_000;
    while (!entitlements.has("customerPortal") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    entitlements.stop();
    expect(entitlements.has("customerPortal")).toBe(true);
  });
});

describe("the customer portal's kill switch", () => {
  const brand = { ...neutralBrand, name: 'West <Fibre> & "Co"', logoUrl: "https://cdn.example/logo.png" };

  it("lets everything through while the portal is on", () => {
    for (const path of ["/portal", "/portal/invoices", "/api/v1/portal/service"]) {
      expect(portalGate(path, true, brand)).toBeUndefined();
    }
  });

  it("answers every portal page with the branded maintenance page, and nothing else", async () => {
    for (const path of ["/portal", "/portal/login", "/portal/invoices/abc"]) {
      const res = portalGate(path, false, brand);
      expect(res?.status).toBe(503);
      expect(res?.headers.get("retry-after")).toBe("300");
      expect(res?.headers.get("cache-control")).toBe("no-store");
      const html = (await res?.text()) ?? "";
      expect(html).toContain("West &#60;Fibre&#62; &#38; &#34;Co&#34;");
      expect(html).not.toContain("<Fibre>");
      expect(html).toContain('<img src="https://cdn.example/logo.png"');
      expect(html).toContain("under maintenance");
      expect(html).not.toContain("<script");
      // Its only style is allowed by its hash, and nothing else may load.
      const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
      const hash = createHash("sha256").update(style).digest("base64");
      expect(res?.headers.get("content-security-policy")).toContain(`style-src 'sha256-${hash}'`);
      expect(res?.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
    for (const path of [
      "/dashboard",
      "/login",
      "/portals",
      "/api/v1/subscribers",
      "/api/v1/payments/stripe/webhook",
    ]) {
      expect(portalGate(path, false, brand)).toBeUndefined();
    }
  });

  it("answers the portal's API with a 503 problem", async () => {
    const res = portalGate("/api/v1/portal/auth/login", false, brand);
    expect(res?.status).toBe(503);
    expect(res?.headers.get("content-type")).toBe("application/problem+json");
    expect(res?.headers.get("retry-after")).toBe("300");
    expect(await res?.json()).toMatchObject({
      status: 503,
      title: "Service Unavailable",
      detail: "the customer portal is down for maintenance",
    });
  });
});
