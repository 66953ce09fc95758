import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldErrors, parseOrThrow, ValidationError } from "./errors.ts";
import { slugFromStackName, TenantSlug, tenantStackName } from "./slug.ts";
import { effectiveFeatures, TenantSpec, type TenantSpecInput, tenantHosts } from "./tenant-spec.ts";

const valid: TenantSpecInput = {
  slug: "fast-fiber",
  tenantId: "5b3c1f0e-8d2a-4c7b-9f3e-2a1d4c5b6e7f",
  displayName: "Fast Fiber ISP",
  plan: "professional",
  seats: 40,
};

const errorsOf = (input: unknown) => {
  const result = TenantSpec.safeParse(input);
  return result.success ? [] : fieldErrors(result.error);
};

describe("TenantSpec", () => {
  it("applies the defaults a tenant gets when the spec is silent", () => {
    const spec = TenantSpec.parse(valid);
    expect(spec.database).toEqual({ target: "postgres" });
    expect(spec.region).toBe("local");
    expect(spec.branding.primaryColor).toBe("#0066CC");
    expect(spec.images.ispOps).toMatch(/^registry\.dotmac\.io\/dotmac\/isp-ops:\d/);
    expect([...effectiveFeatures(spec)].sort()).toEqual(["customerPortal", "genieacs", "grafana", "radius"]);
    expect(tenantHosts(spec)).toEqual(["fast-fiber.isp.dotmac.io"]);
  });

  it.each([
    ["a bad slug", { slug: "Fast_Fiber" }, "slug", /lower-case letters/],
    ["a too-short slug", { slug: "ab" }, "slug", /at least 3/],
    ["a too-long slug", { slug: "a".repeat(41) }, "slug", /at most 40/],
    ["a reserved slug", { slug: "platform-admin" }, "slug", /reserved/],
    ["a kube- slug", { slug: "kube-system" }, "slug", /reserved/],
    ["an unknown tier", { plan: "gold" }, "plan", /starter|professional|enterprise/],
    ["zero seats", { seats: 0 }, "seats", /at least 1/],
    ["fractional seats", { seats: 2.5 }, "seats", /whole number/],
    ["more seats than the plan allows", { plan: "starter", seats: 26 }, "seats", /at most 25 seats/],
    [
      "a feature the plan lacks",
      { plan: "starter", features: ["genieacs"] },
      "features.0",
      /not available on the starter plan/,
    ],
    ["an unknown feature", { features: ["teleport"] }, "features.0", /expected one of|Invalid option/],
    [
      "a :latest image",
      { images: { ispOps: "registry.dotmac.io/dotmac/isp-ops:latest" } },
      "images.ispOps",
      /latest/,
    ],
    [
      "an unpinned image",
      { images: { ispOps: "registry.dotmac.io/dotmac/isp-ops" } },
      "images.ispOps",
      /pinned/,
    ],
    [
      "an image from another registry",
      { images: { ispOps: "evil.example/dotmac/isp-ops:1.0.0" } },
      "images.ispOps",
      /registry\.dotmac\.io/,
    ],
    ["a bad colour", { branding: { primaryColor: "blue" } }, "branding.primaryColor", /#0066CC/],
    ["an http logo", { branding: { logoUrl: "http://cdn.example/logo.png" } }, "branding.logoUrl", /https/],
    ["a bad NAS CIDR", { nasCidrs: ["10.0.0.0/33"] }, "nasCidrs.0", /CIDR/],
    [
      "a custom domain that is the app host",
      { customDomains: ["fast-fiber.isp.dotmac.io"] },
      "customDomains.0",
      /twice/,
    ],
    ["a wildcard custom domain", { customDomains: ["*.fastfiber.example"] }, "customDomains.0", /DNS name/],
    [
      "the platform's admin host as a custom domain",
      { customDomains: ["ops.fastfiber.example", "admin.dotmac.io"] },
      "customDomains.1",
      /reserved for the platform/,
    ],
    [
      "another tenant's address as a custom domain",
      { customDomains: ["slow-fiber.isp.dotmac.io"] },
      "customDomains.0",
      /tenants' own addresses/,
    ],
    ["a region on the postgres target", { region: "eu-west-1" }, "region", /no cloud region/],
    ["an unknown field", { colour: "red" }, "(root)", /colour/],
    [
      "an RDS target with one subnet",
      {
        database: {
          target: "aws",
          vpcId: "vpc-0a1b2c3d",
          subnetIds: ["subnet-0a1b2c3d"],
          clusterCidrs: ["10.0.0.0/16"],
        },
      },
      "database.subnetIds",
      /two availability zones/,
    ],
  ])("refuses %s, naming the field", (_what, patch, path, message) => {
    const errors = errorsOf({ ...valid, ...patch });
    const error = errors.find((e) => e.path === path);
    expect(error, JSON.stringify(errors)).toBeDefined();
    expect(error?.message).toMatch(message);
  });

  it("accepts the cloud targets with their own settings", () => {
    const aws = TenantSpec.parse({
      ...valid,
      plan: "enterprise",
      region: "eu-west-1",
      database: {
        target: "aws",
        vpcId: "vpc-0a1b2c3d",
        subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"],
        clusterCidrs: ["10.0.0.0/16"],
      },
    });
    expect(aws.database.target).toBe("aws");
    const gcp = TenantSpec.parse({
      ...valid,
      region: "europe-west1",
      database: { target: "gcp", project: "dotmac-prod", network: "default" },
    });
    expect(gcp.database.target).toBe("gcp");
  });

  it("lists every bad field at once in a ValidationError", () => {
    const error = (() => {
      try {
        parseOrThrow(TenantSpec, { ...valid, slug: "X", seats: -1 }, "tenant spec");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["slug", "seats"]),
    );
    expect((error as ValidationError).message).toMatch(/^invalid tenant spec:\n {2}- /);
  });
});

describe("TenantSlug", () => {
  const labelChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-".split(""));
  const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split(""));

  it("accepts every DNS-1123 label of 3 to 40 characters that is not reserved", () => {
    fc.assert(
      fc.property(alnum, fc.array(labelChar, { minLength: 1, maxLength: 38 }), alnum, (a, middle, z) => {
        const slug = `${a}${middle.join("")}${z}`;
        fc.pre(
          !slug.startsWith("kube-") &&
            ![
              "platform-admin",
              "default",
              "tenant",
              "admin",
              "api",
              "www",
              "app",
              "root",
              "status",
              "system",
              "dotmac",
              "grafana",
              "platform",
            ].includes(slug),
        );
        expect(TenantSlug.safeParse(slug).success).toBe(true);
      }),
    );
  });

  it("refuses any slug with a character outside [a-z0-9-] or a dash at either end", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 40 }), (s) => {
        fc.pre(!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s));
        expect(TenantSlug.safeParse(s).success).toBe(false);
      }),
    );
  });

  it("round-trips through the stack name", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{1,38})[a-z0-9]$/), (slug) => {
        expect(slugFromStackName(tenantStackName(slug))).toBe(slug);
      }),
    );
    expect(slugFromStackName("platform")).toBeUndefined();
  });
});
