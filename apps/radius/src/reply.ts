import { replyAttributeDictionary } from "@dotmac/contracts";

/** RADIUS attributes as the `radius` package encodes them: [name, value] or a vendor block. */
export type ReplyAttribute =
  | [string, string | number]
  | ["Vendor-Specific", number, [string, string | number | Buffer][]];

/**
 * An Access-Accept's attributes from the rows radius_reply() gave (in its order), then the
 * subscriber's own address. Each vendor attribute goes in a Vendor-Specific of its own, as
 * FreeRADIUS sends them; a name the dictionary does not know is left out, not sent malformed.
 */
export function acceptAttributes(
  reply: readonly [string, string][],
  staticIp: string | null,
): ReplyAttribute[] {
  const attributes: ReplyAttribute[] = [];
  for (const [name, text] of reply) {
    const known = replyAttributeDictionary[name];
    if (!known) continue;
    const value = known.type === "integer" ? Number(text) : text;
    attributes.push(
      known.vendor === undefined ? [name, value] : ["Vendor-Specific", known.vendor, [[name, value]]],
    );
  }
  if (staticIp) attributes.push(["Framed-IP-Address", staticIp]);
  return attributes;
}
