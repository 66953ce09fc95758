import { z } from "zod";

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/** 4, 6 or 0, like node:net's isIP, but usable in browser bundles too (zod's formats). */
export const ipVersion = (ip: string): 0 | 4 | 6 =>
  ipv4.safeParse(ip).success ? 4 : ipv6.safeParse(ip).success ? 6 : 0;

/** An IPv4 or IPv6 address. */
export const IpAddress = z.union([ipv4, ipv6], { error: "expected an IP address" });

/** An IPv4 or IPv6 network in CIDR notation. */
export const Cidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: "expected a CIDR such as 10.20.0.0/16 or 2001:db8::/32",
});

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A fully qualified DNS name in lower case (no wildcard, no trailing dot). */
export const Hostname = z
  .string()
  .max(253)
  .refine((s) => s.includes(".") && s.split(".").every((l) => label.test(l)), {
    message: "expected a lower-case DNS name such as ops.fastfiber.example",
  });

/**
 * Where the platform's images come from. A token that may roll an image out to every tenant must
 * not be able to run, holding each tenant's keys, an image from anywhere else. The policy pack
 * holds the same list (components/policy/rules.ts; a test keeps them equal).
 */
export const imageRegistries = ["registry.dotmac.io"] as const;

/**
 * A container image pinned to a version: a tag other than `latest`, or a digest. Pods must not
 * change under a tenant because someone pushed a tag.
 */
export const PinnedImage = z
  .string()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    "expected an image reference such as registry.dotmac.io/isp-ops:1.4.2",
  )
  .refine(
    (s) => /@sha256:/.test(s) || /:[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s.split("/").slice(1).join("/")),
    {
      message: "images must be pinned to a tag or digest",
    },
  )
  .refine((s) => !/:latest(@|$)/.test(s), { message: "images must not use the :latest tag" })
  .refine((s) => (imageRegistries as readonly string[]).includes(s.split("/")[0] ?? ""), {
    message: `images come from ${imageRegistries.join(" or ")} only`,
  });
