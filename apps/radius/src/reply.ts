import type { servicePlans } from "@dotmac/tenant-db";

type Plan = Pick<
  typeof servicePlans.$inferSelect,
  | "downloadKbps"
  | "uploadKbps"
  | "burstDownloadKbps"
  | "burstUploadKbps"
  | "burstThresholdPercent"
  | "burstSeconds"
  | "sessionTimeoutSeconds"
  | "interimIntervalSeconds"
>;

export const MIKROTIK = 14988;
export const WISPR = 14122;

/** RADIUS attributes as the `radius` package encodes them: [name, value] or a vendor block. */
export type ReplyAttribute =
  | [string, string | number]
  | ["Vendor-Specific", number, [string, string | number][]];

const rate = (kbps: number) => (kbps % 1000 === 0 ? `${kbps / 1000}M` : `${kbps}k`);

/**
 * MikroTik's rate limit: "rx/tx" from the router's view of the subscriber (upload/download),
 * then, with burst, "burst-rx/burst-tx threshold-rx/threshold-tx time-rx/time-tx".
 */
export function mikrotikRateLimit(plan: Plan): string {
  const base = `${rate(plan.uploadKbps)}/${rate(plan.downloadKbps)}`;
  if (!plan.burstDownloadKbps && !plan.burstUploadKbps) return base;
  const burstUp = plan.burstUploadKbps ?? plan.uploadKbps;
  const burstDown = plan.burstDownloadKbps ?? plan.downloadKbps;
  const percent = plan.burstThresholdPercent ?? 75;
  const threshold = (kbps: number) => rate(Math.max(1, Math.round((kbps * percent) / 100)));
  const seconds = plan.burstSeconds ?? 10;
  return `${base} ${rate(burstUp)}/${rate(burstDown)} ${threshold(plan.uploadKbps)}/${threshold(plan.downloadKbps)} ${seconds}/${seconds}`;
}

/** What an Access-Accept carries for a subscriber on a plan. */
export function acceptAttributes(plan: Plan, staticIp: string | null): ReplyAttribute[] {
  const attributes: ReplyAttribute[] = [
    ["Acct-Interim-Interval", plan.interimIntervalSeconds],
    ["Vendor-Specific", MIKROTIK, [["Mikrotik-Rate-Limit", mikrotikRateLimit(plan)]]],
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
  if (staticIp) attributes.push(["Framed-IP-Address", staticIp]);
  return attributes;
}
