import type { SecretBox } from "@dotmac/crypto/secret-box";
import { nasClients, radiusCredentials, sealedFor, type TenantDb } from "@dotmac/tenant-db";
import { and, asc, gt, sql } from "drizzle-orm";
import { audit } from "./audit.ts";

const BATCH = 1000;

export interface ResealReport {
  /** The key everything is sealed with now. */
  keyId: string;
  resealed: { radiusPasswords: number; nasSecrets: number };
  /** Rows no key of the ring opens: the key they need is gone (or they were altered). */
  unreadable: { radiusPasswords: string[]; nasSecrets: string[] };
}

interface Sealed {
  id: string;
  sealed: Buffer;
}

/**
 * Seals again, with the ring's current key, every RADIUS password and NAS secret sealed with an
 * older one, so the older key can leave the ring. Batched on the primary key; a row changed since
 * it was read (a password reset meanwhile) is left as its writer sealed it, under the current key.
 * Safe to repeat, and to run on several replicas at once.
 */
export async function resealSecrets(db: TenantDb, box: SecretBox, actor = "system"): Promise<ResealReport> {
  const report: ResealReport = {
    keyId: box.keyId,
    resealed: { radiusPasswords: 0, nasSecrets: 0 },
    unreadable: { radiusPasswords: [], nasSecrets: [] },
  };
  // Only rows under an older key leave the database: after a clean re-seal a pod's start reads nothing.
  const stale = (column: typeof radiusCredentials.passwordEncrypted | typeof nasClients.secretEncrypted) =>
    sql`substring(${column} from 1 for ${box.sealedPrefix.length}) <> ${box.sealedPrefix}`;
  const tables = [
    {
      kind: "radiusPasswords" as const,
      context: sealedFor.radiusPassword,
      page: (after: string) =>
        db
          .select({ id: radiusCredentials.subscriberId, sealed: radiusCredentials.passwordEncrypted })
          .from(radiusCredentials)
          .where(and(gt(radiusCredentials.subscriberId, after), stale(radiusCredentials.passwordEncrypted)))
          .orderBy(asc(radiusCredentials.subscriberId))
          .limit(BATCH),
      write: (ids: string[], olds: string[], news: string[]) => db.$client`
        update radius_credentials c set password_encrypted = decode(v.sealed, 'hex')
          from unnest(${ids}::uuid[], ${olds}::text[], ${news}::text[]) as v(id, old, sealed)
         where c.subscriber_id = v.id and c.password_encrypted = decode(v.old, 'hex')`,
    },
    {
      kind: "nasSecrets" as const,
      context: sealedFor.nasSecret,
      page: (after: string) =>
        db
          .select({ id: nasClients.id, sealed: nasClients.secretEncrypted })
          .from(nasClients)
          .where(and(gt(nasClients.id, after), stale(nasClients.secretEncrypted)))
          .orderBy(asc(nasClients.id))
          .limit(BATCH),
      write: (ids: string[], olds: string[], news: string[]) => db.$client`
        update nas_clients c set secret_encrypted = decode(v.sealed, 'hex')
          from unnest(${ids}::uuid[], ${olds}::text[], ${news}::text[]) as v(id, old, sealed)
         where c.id = v.id and c.secret_encrypted = decode(v.old, 'hex')`,
    },
  ];
  for (const table of tables) {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows: Sealed[] = await table.page(after);
      const last = rows.at(-1);
      if (!last) break;
      after = last.id;
      const [ids, olds, news]: [string[], string[], string[]] = [[], [], []];
      for (const row of rows) {
        const context = table.context(row.id);
        let plain: string;
        try {
          plain = box.open(row.sealed, context);
        } catch {
          report.unreadable[table.kind].push(row.id);
          continue;
        }
        ids.push(row.id);
        olds.push(row.sealed.toString("hex"));
        news.push(box.seal(plain, context).toString("hex"));
      }
      if (ids.length > 0) report.resealed[table.kind] += (await table.write(ids, olds, news)).count;
    }
  }
  const { resealed, unreadable } = report;
  await audit(db, actor, {
    action: "secrets.resealed",
    targetType: "tenant",
    after: {
      keyId: report.keyId,
      resealed,
      unreadable: {
        radiusPasswords: unreadable.radiusPasswords.length,
        nasSecrets: unreadable.nasSecrets.length,
      },
    },
  });
  return report;
}
