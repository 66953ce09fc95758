import { type PlanVendorAttribute, planVendorAttributes } from "@dotmac/contracts";
import type { servicePlans } from "@dotmac/tenant-db";

type Plan = Pick<
  typeof servicePlans.$inferSelect,
  "downloadKbps" | "uploadKbps" | "sessionTimeoutSeconds" | "interimIntervalSeconds"
> & {
  /** From radius_mikrotik_rate_limit() in the tenant database, which FreeRADIUS's views use too. */
  readonly rateLimit: string;
  /** The plan's extra vendor attributes (names checked against planVendorAttributes when saved). */
  readonly vendorAttributes?: Record<string, string>;
};

export const MIKROTIK = 14988;
export const WISPR = 14122;

/** RADIUS attributes as the `radius` package encodes them: [name, value] or a vendor block. */
export type ReplyAttribute =
  | [string, string | number]
  | ["Vendor-Specific", number, [string, string | number | Buffer][]];

/** What an Access-Accept carries for a subscriber on a plan. */
export function acceptAttributes(plan: Plan, staticIp: string | null): ReplyAttribute[] {
  const attributes: ReplyAttribute[] = [
    ["Acct-Interim-Interval", plan.interimIntervalSeconds],
    ["Vendor-Specific", MIKROTIK, [["Mikrotik-Rate-Limit", plan.rateLimit]]],
    [
      "Vendor-Specific",
      WISPR,
      [
        ["WISPr-Bandwidth-Max-Up", plan.uploadKbps * 1000],
        ["WISPr-Bandwidth-Max-Down", plan.downloadKbps * 1000],
      ],
    ],
  ];
  if (plan.sessionTimeoutSeconds) attributes.push(["Session-Timeout", plan.sessionTimeoutSeconds]);
  for (const [name, value] of Object.entries(plan.vendorAttributes ?? {})) {
    const known = planVendorAttributes[name as PlanVendorAttribute];
    // A name saved before it was allowed, or by hand in the database, is left out, not sent malformed.
    if (!known) continue;
    attributes.push([
      "Vendor-Specific",
      known.vendor,
      [[name, known.type === "integer" ? Number(value) : value]],
    ]);
  }
  if (staticIp) attributes.push(["Framed-IP-Address", staticIp]);
  return attributes;
}
