import type { IspOpsProcessEnv } from "@dotmac/contracts/app-env";
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import { sessionCookie } from "@dotmac/http/session-cookie";
import { customerCredentials, customerSessions, subscribers, type TenantDb } from "@dotmac/tenant-db";
import { and, eq, gt, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { ispOpsProcessEnv } from "../env.ts";

/**
 * The portal's session cookie, apart from staff's (`__Host-dotmac_customer`): a staff session
 * never opens the portal, nor a subscriber's the staff app. `__Host-` cookies are always Path=/,
 * so the two are kept apart by name, each read only by its own routes.
 */
export const customerCookie = (env: Pick<IspOpsProcessEnv, "ISP_OPS_PLAIN_HTTP"> = ispOpsProcessEnv()) =>
  sessionCookie("dotmac_customer", env.ISP_OPS_PLAIN_HTTP);
export const CUSTOMER_SESSION_HOURS = 24 * 7;

/** A subscriber signed in to the portal. */
export interface Customer {
  readonly id: string;
  readonly accountNumber: number;
  readonly name: string;
  readonly email: string | null;
}

const customerColumns = {
  id: subscribers.id,
  accountNumber: subscribers.accountNumber,
  name: subscribers.name,
  email: subscribers.email,
};

/**
 * The subscriber an identifier names: an account number, or an e-mail address only one
 * subscriber has (a household with two lines signs in with its account numbers).
 */
export async function findCustomer(db: TenantDb, identifier: string): Promise<Customer | undefined> {
  const id = identifier.trim();
  if (/^\d{1,15}$/.test(id)) {
    const [found] = await db
      .select(customerColumns)
      .from(subscribers)
      .where(eq(subscribers.accountNumber, Number(id)));
    return found;
  }
  const found = await db
    .select(customerColumns)
    .from(subscribers)
    .where(eq(sql`lower(${subscribers.email})`, id.toLowerCase()))
    .limit(2);
  return found.length === 1 ? found[0] : undefined;
}

const refused = () => new ProblemError(401, { detail: "wrong account number, e-mail or password" });

/** Checks the password; a new session token (only its hash is stored) on success. */
export async function customerLogin(db: TenantDb, identifier: string, password: string) {
  const customer = await findCustomer(db, identifier);
  const [credential] = customer
    ? await db.select().from(customerCredentials).where(eq(customerCredentials.subscriberId, customer.id))
    : [];
  const ok = await verifyPassword(password, credential?.passwordHash ?? (await dummyPasswordHash));
  if (!customer || !credential || !ok) {
    await audit(
      db,
      { system: "portal-sign-in" },
      { action: "customer.login_failed", targetType: "subscriber", targetId: customer?.id ?? null },
    );
    throw refused();
  }
  if (needsRehash(credential.passwordHash)) {
    await db
      .update(customerCredentials)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(customerCredentials.subscriberId, customer.id));
  }
  const token = newSecret("dmc");
  await db.insert(customerSessions).values({
    tokenHash: hashSecret(token),
    subscriberId: customer.id,
    expiresAt: new Date(Date.now() + CUSTOMER_SESSION_HOURS * 3600_000),
  });
  await audit(
    db,
    { subscriber: customer.id },
    { action: "customer.login", targetType: "subscriber", targetId: customer.id },
  );
  return { token, customer };
}

export async function customerLogout(db: TenantDb, token: string): Promise<void> {
  await db.delete(customerSessions).where(eq(customerSessions.tokenHash, hashSecret(token)));
}

/** The subscriber a portal session token belongs to, while it is valid. */
export async function customerForToken(
  db: TenantDb,
  token: string | undefined,
): Promise<Customer | undefined> {
  if (!token) return undefined;
  const [row] = await db
    .select(customerColumns)
    .from(customerSessions)
    .innerJoin(subscribers, eq(subscribers.id, customerSessions.subscriberId))
    .where(
      and(eq(customerSessions.tokenHash, hashSecret(token)), gt(customerSessions.expiresAt, sql`now()`)),
    );
  return row;
}
