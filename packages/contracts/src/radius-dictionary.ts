// The reply attributes our RADIUS server may send, with their vendors and types as in the
// RADIUS dictionaries. What an Access-Accept carries for a plan is defined once, in the tenant
// database's radius_reply() (FreeRADIUS reads the same rows through radgroupreply); this only
// says how each name is encoded.

export const MIKROTIK = 14988;
export const WISPR = 14122;

export interface ReplyAttributeEncoding {
  /** The vendor of a Vendor-Specific attribute; absent for a standard one. */
  readonly vendor?: number;
  readonly type: "string" | "integer";
}

/**
 * Extra reply attributes a plan may carry beyond its speeds (which the server derives), with
 * their vendor and type as in the RADIUS dictionaries: e.g. a MikroTik address list for a
 * firewall rule, or a group for a PPP profile.
 */
export const planVendorAttributes = {
  "Mikrotik-Group": { vendor: MIKROTIK, type: "string" },
  "Mikrotik-Address-List": { vendor: MIKROTIK, type: "string" },
  "Mikrotik-Recv-Limit": { vendor: MIKROTIK, type: "integer" },
  "Mikrotik-Xmit-Limit": { vendor: MIKROTIK, type: "integer" },
  "Mikrotik-Total-Limit": { vendor: MIKROTIK, type: "integer" },
  "WISPr-Location-ID": { vendor: WISPR, type: "string" },
  "WISPr-Location-Name": { vendor: WISPR, type: "string" },
} as const;
export type PlanVendorAttribute = keyof typeof planVendorAttributes;

/** Every name radius_reply() may give, and how it is encoded. */
export const replyAttributeDictionary: Readonly<Record<string, ReplyAttributeEncoding>> = {
  "Acct-Interim-Interval": { type: "integer" },
  "Session-Timeout": { type: "integer" },
  "Mikrotik-Rate-Limit": { vendor: MIKROTIK, type: "string" },
  "WISPr-Bandwidth-Max-Up": { vendor: WISPR, type: "integer" },
  "WISPr-Bandwidth-Max-Down": { vendor: WISPR, type: "integer" },
  ...planVendorAttributes,
};
