import { parseOrThrow, SizingProfile, StackPlacement } from "@dotmac/contracts";
import type * as pulumi from "@pulumi/pulumi";
import { StackConfigError } from "./config-error.ts";

/** `dotmac:radiusServiceType`: how tenants expose RADIUS (LoadBalancer; ClusterIP where there is none). */
export function radiusServiceTypeOf(config: pulumi.Config): "LoadBalancer" | "ClusterIP" {
  const value = config.get("radiusServiceType") ?? "LoadBalancer";
  if (value !== "LoadBalancer" && value !== "ClusterIP") {
    throw new StackConfigError(`dotmac:radiusServiceType must be LoadBalancer or ClusterIP, not ${value}`);
  }
  return value;
}

/**
 * `dotmac:placement` (which nodes each part's pods go to) and `dotmac:sizing` (production or
 * compact requests): the cluster's shape, the same for every stack on it. Validated before any
 * resource exists.
 */
export function schedulingOf(config: pulumi.Config): { placement?: StackPlacement; sizing?: SizingProfile } {
  const placement = config.getObject<unknown>("placement");
  const sizing = config.get("sizing");
  return {
    ...(placement === undefined
      ? {}
      : { placement: parseOrThrow(StackPlacement, placement, "placement in dotmac:placement") }),
    ...(sizing === undefined ? {} : { sizing: parseOrThrow(SizingProfile, sizing, "dotmac:sizing") }),
  };
}

/** An http(s) URL from `dotmac:<key>`, or undefined when unset. */
export function httpUrlOf(config: pulumi.Config, key: string): string | undefined {
  const value = config.get(key) || undefined;
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : "";
  if (protocol !== "http:" && protocol !== "https:") {
    throw new StackConfigError(`dotmac:${key} must be an http(s) URL, not ${value}`);
  }
  return value;
}
