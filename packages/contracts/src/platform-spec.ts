import { z } from "zod";
import { Hostname, PinnedImage } from "./net.ts";
import { DatabaseTarget } from "./tenant-spec.ts";

export const defaultPlatformImages = {
  automationApi: "registry.dotmac.io/dotmac/automation-api:1.0.0",
  platformAdmin: "registry.dotmac.io/dotmac/platform-admin:1.0.0",
} as const;

/** The control plane's settings: the `platform` stack's `dotmac:platform` config. */
export const PlatformSpec = z
  .object({
    /** The admin app is served at admin.<baseDomain>. */
    baseDomain: Hostname.default("dotmac.io"),
    database: DatabaseTarget.default({ target: "postgres" }),
    region: z
      .string()
      .regex(/^[a-z0-9-]{2,32}$/, "expected a region such as eu-west-1")
      .default("local"),
    images: z
      .object({
        automationApi: PinnedImage.default(defaultPlatformImages.automationApi),
        platformAdmin: PinnedImage.default(defaultPlatformImages.platformAdmin),
      })
      .strict()
      .default(defaultPlatformImages),
    /** The automation API scales out: its queue and locks live in Postgres. */
    automationApiReplicas: z.int().min(1).max(20).default(2),
  })
  .strict();
export type PlatformSpecInput = z.input<typeof PlatformSpec>;
export type PlatformSpec = z.output<typeof PlatformSpec>;

/** The control plane's namespace (the seed's `platform-admin`). */
export const PLATFORM_NAMESPACE = "platform-admin";
