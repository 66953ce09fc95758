import type { SecretBox } from "@dotmac/crypto/secret-box";
import { sealedFor, type TenantDb } from "@dotmac/tenant-db";
import { chapMatches } from "./chap.ts";
import { sameText } from "./compare.ts";
import { type MsChapV2Success, msChapV2Request, verifyMsChapV2 } from "./mschap.ts";
import type { DecodedPacket } from "./packets.ts";
import { acceptAttributes, type ReplyAttribute } from "./reply.ts";

export type AuthResult =
  | { accept: true; attributes: ReplyAttribute[]; subscriberId: string; msChap?: MsChapV2Success }
  | { accept: false; reason: string };

export interface Standing {
  subscriber_id: string;
  refusal: string | null;
  static_ip: string | null;
  password_encrypted: Buffer;
  /** radius_reply()'s rows for the login's plan, in order: [attribute, value]. */
  reply: [string, string][];
}

/**
 * A login's standing and what an Access-Accept would carry, in one round trip: radius_standing and
 * radius_reply are also what the FreeRADIUS views read, one rule for both servers. In the walled
 * garden the tenant's walled-garden attributes replace the plan's of the same name.
 */
export async function standingOf(db: TenantDb, username: string): Promise<Standing | undefined> {
  const [row] = await db.$client<Standing[]>`
    select r.subscriber_id, r.refusal, r.static_ip, r.password_encrypted,
           (select coalesce(jsonb_agg(jsonb_build_array(a.attribute, a.value) order by a.id), '[]')
              from radius_reply(p, case when r.walled_garden
                                        then (select walled_garden_attributes from billing_settings) end) a) as reply
      from radius_standing r
      left join service_plans p on p.id = r.plan_id
     where r.username = ${username}`;
  return row;
}

/** The attributes of an Access-Accept for a login in good standing. */
export const acceptFor = (row: Standing): ReplyAttribute[] => acceptAttributes(row.reply, row.static_ip);

/**
 * Checks an Access-Request's credentials (PAP, CHAP or MS-CHAPv2) and the subscriber's standing in one round
 * trip, and says what to answer. The password is opened only here and never logged.
 */
export async function authenticate(
  db: TenantDb,
  box: SecretBox,
  request: DecodedPacket,
): Promise<AuthResult> {
  const username = request.attributes["User-Name"];
  if (typeof username !== "string" || username.length === 0) return { accept: false, reason: "no user name" };
  const row = await standingOf(db, username);
  if (!row) return { accept: false, reason: "unknown user" };
  const password = box.open(row.password_encrypted, sealedFor.radiusPassword(row.subscriber_id));
  const pap = request.attributes["User-Password"];
  const chap = request.attributes["CHAP-Password"];
  const msChapV2 = msChapV2Request(request.attributes);
  let ok = false;
  let msChap: MsChapV2Success | undefined;
  if (typeof pap === "string") ok = sameText(pap, password);
  else if (Buffer.isBuffer(chap)) {
    const challenge = request.attributes["CHAP-Challenge"];
    ok = chapMatches(chap, Buffer.isBuffer(challenge) ? challenge : request.authenticator, password);
  } else if (msChapV2) {
    msChap = verifyMsChapV2(msChapV2.challenge, msChapV2.response, username, password);
    ok = msChap !== undefined;
  } else return { accept: false, reason: "no PAP, CHAP or MS-CHAPv2 credentials" };
  if (!ok) return { accept: false, reason: "wrong password" };
  if (row.refusal) return { accept: false, reason: row.refusal };
  return {
    accept: true,
    subscriberId: row.subscriber_id,
    ...(msChap ? { msChap } : {}),
    attributes: acceptFor(row),
  };
}
