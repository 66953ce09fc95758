import { TenantSpec } from "@dotmac/contracts";
import { describe, expect, it } from "vitest";
import { mailConfig, publicUrlConfig, stripeConfig } from "./stack-runner.ts";

const spec = TenantSpec.parse({
  slug: "fast-fiber",
  tenantId: "5b3c1f0e-8d2a-4c7b-9f3e-2a1d4c5b6e7f",
  displayName: 'Fast "Fiber", Inc',
  plan: "professional",
  seats: 40,
});

describe("a tenant stack's mail config", () => {
  it("sends in the ISP's name from its own address, the relay a secret, its port from the URL", () => {
    expect(
      mailConfig(spec, { smtpUrl: "smtp://u:p@relay.example.net:2525", from: "billing@{slug}.example.net" }),
    ).toEqual({
      "dotmac:mailFrom": { value: '"Fast Fiber, Inc" <billing@fast-fiber.example.net>', secret: false },
      "dotmac:smtpUrl": { value: "smtp://u:p@relay.example.net:2525", secret: true },
      "dotmac:smtpPort": { value: "2525", secret: false },
    });
    const port = (smtpUrl: string, smtpPort?: number) =>
      mailConfig(spec, { smtpUrl, smtpPort, from: "x@{slug}.net" })["dotmac:smtpPort"].value;
    expect([
      port("smtp://relay.example.net"),
      port("smtps://relay.example.net"),
      port("smtp://relay:25", 3025),
    ]).toEqual(["587", "465", "3025"]);
  });
});

describe("a tenant stack's Stripe config", () => {
  it("carries the keys as secrets and the API's address only when it is not Stripe's own", () => {
    expect(stripeConfig({ secretKey: "sk_test_platform", webhookSecret: "whsec_platform" })).toEqual({
      "dotmac:stripeSecretKey": { value: "sk_test_platform", secret: true },
      "dotmac:stripeWebhookSecret": { value: "whsec_platform", secret: true },
    });
    expect(
      stripeConfig({ secretKey: "sk_test_x", webhookSecret: "whsec_x", apiUrl: "http://10.213.0.1:12111" })[
        "dotmac:stripeApiUrl"
      ],
    ).toEqual({ value: "http://10.213.0.1:12111", secret: false });
  });
});

describe("a tenant stack's public address", () => {
  it("is the platform's pattern with the tenant's slug in it", () => {
    expect(publicUrlConfig(spec, "http://{slug}.localhost:3000")).toEqual({
      "dotmac:publicUrl": { value: "http://fast-fiber.localhost:3000", secret: false },
    });
  });
});
