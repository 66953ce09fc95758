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
