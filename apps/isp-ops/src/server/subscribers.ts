import {
  ipVersion,
  MacAddress,
  type SubscriberCreate,
  type SubscriberQuery,
  type SubscriberStatus,
  type SubscriberUpdate,
} from "@dotmac/contracts";
import type { SubscriberListItem } from "@dotmac/contracts/isp-ops-responses";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import { ProblemError } from "@dotmac/http/problem";
import { radiusCredentials, sealedFor, subscribers, type TenantDb } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { today } from "./billing/money.ts";
import { billStatusChange, startBilling, stopBilling } from "./billing/service-changes.ts";
import { constraintProblem } from "./constraints.ts";
import { changeSubscriberStatus, type SessionDisconnector, TransitionError } from "./lifecycle.ts";

type SubscriberRow = z.infer<typeof SubscriberListItem>;

/** Counting stops here: past it the page says "10,000+" instead of scanning every match. */
const COUNT_LIMIT = 10_000;

/**
 * The subscribers page: newest first, filtered by status and plan, and searched by any part of
 * the name, or exactly by account number, RADIUS username, phone, e-mail, framed or static IP
 * (an address online now), or a device's MAC. Each kind of search uses its own index; the hits
 * are unioned before the page is cut.
 */
export async function listSubscribers(db: TenantDb, query: SubscriberQuery) {
  const pg = db.$client;
  const q = query.q?.trim() ?? "";
  const hits = [];
  if (q) {
    // Each branch carries what the filters and the order need, so no branch's hits are joined
    // back to the whole table (a common name fragment would turn that join into a full scan).
    const s = pg`s.id, s.created_at, s.status, s.plan_id`;
    const by = (table: string) => pg`from ${pg(table)} x join subscribers s on s.id = x.subscriber_id`;
    hits.push(pg`select ${s} from subscribers s where s.name ilike ${`%${q.replace(/[%_\\]/g, "\\$&")}%`}`);
    hits.push(pg`select ${s} ${by("radius_credentials")} where x.username = ${q}`);
    hits.push(pg`select ${s} from subscribers s where s.phone = ${q}`);
    if (q.includes("@"))
      hits.push(pg`select ${s} from subscribers s where lower(s.email) = ${q.toLowerCase()}`);
    if (/^\d{1,18}$/.test(q))
      hits.push(pg`select ${s} from subscribers s where s.account_number = ${Number(q)}`);
    if (ipVersion(q)) {
      hits.push(pg`select ${s} from subscribers s where s.static_ip = ${q}::inet`);
      hits.push(
        pg`select ${s} ${by("accounting_sessions")} where x.framed_ip = ${q}::inet and x.stopped_at is null`,
      );
    }
    const mac = MacAddress.safeParse(q);
    if (mac.success) hits.push(pg`select ${s} ${by("devices")} where x.mac = ${mac.data}::macaddr`);
  }
  const from = q ? pg`(${hits.reduce((all, h) => pg`${all} union ${h}`)}) s` : pg`subscribers s`;
  const where = pg`where true
    ${query.status ? pg`and s.status = ${query.status}` : pg``}
    ${query.planId ? pg`and s.plan_id = ${query.planId}` : pg``}`;
  const offset = (query.page - 1) * query.pageSize;
  const rowsOf = (page: ReturnType<typeof pg>) => pg<(SubscriberRow & { matches?: number })[]>`
      with ${page}
      select s.id, s.account_number as "accountNumber", s.name, s.email, s.phone, s.status,
             p.name as "planName", c.username, s.created_at as "createdAt" ${q ? pg`, (select count(*)::int from hits) as matches` : pg``}
        from page
        join subscribers s on s.id = page.id
        left join service_plans p on p.id = s.plan_id
        left join radius_credentials c on c.subscriber_id = s.id
       order by page.created_at desc, page.id desc`;
  const countOf = () =>
    pg<
      { n: number }[]
    >`select count(*)::int as n from (select 1 from ${from} ${where} limit ${COUNT_LIMIT + 1}) x`;
  let rows: (SubscriberRow & { matches?: number })[];
  let count: { n: number } | undefined;
  if (q) {
    // A search's hits are found once (a trigram scan is the costly part) and both paged and counted.
    rows = await rowsOf(pg`hits as materialized (select s.id, s.created_at from ${from} ${where}),
      page as (select id, created_at from hits order by created_at desc, id desc limit ${query.pageSize} offset ${offset})`);
    count = rows[0] ? { n: rows[0].matches ?? 0 } : (await countOf())[0];
  } else {
    // The page's ids first (an index walk, however deep the page), then their rows and joins.
    [rows, [count]] = await Promise.all([
      rowsOf(pg`page as (select s.id, s.created_at from ${from} ${where}
         order by s.created_at desc, s.id desc limit ${query.pageSize} offset ${offset})`),
      countOf(),
    ]);
  }
  const total = count?.n ?? 0;
  return {
    items: rows.map(({ matches: _, ...r }) => ({ ...r, accountNumber: Number(r.accountNumber) })),
    page: query.page,
    pageSize: query.pageSize,
    total: Math.min(total, COUNT_LIMIT),
    totalIsEstimate: total > COUNT_LIMIT,
  };
}

/** A new subscriber with their RADIUS login, in one transaction; the password is sealed. */
export async function createSubscriber(db: TenantDb, box: SecretBox, staff: Staff, input: SubscriberCreate) {
  try {
    return await db.transaction(async (tx) => {
      const [s] = await tx
        .insert(subscribers)
        .values({
          name: input.name,
          email: input.email ?? null,
          phone: input.phone ?? null,
          serviceAddress: input.serviceAddress,
          planId: input.planId ?? null,
          staticIp: input.staticIp ?? null,
        })
        .returning();
      if (!s) throw new Error("insert returned nothing");
      await tx.insert(radiusCredentials).values({
        subscriberId: s.id,
        username: input.username,
        passwordEncrypted: box.seal(input.password, sealedFor.radiusPassword(s.id)),
      });
      await audit(tx, staff.id, {
        action: "subscriber.create",
        targetType: "subscriber",
        targetId: s.id,
        after: { ...publicFields(s), username: input.username },
      });
      return { id: s.id, accountNumber: s.accountNumber };
    });
  } catch (error) {
    throw constraintProblem(error);
  }
}

export async function updateSubscriber(db: TenantDb, staff: Staff, id: string, input: SubscriberUpdate) {
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select().from(subscribers).where(eq(subscribers.id, id)).for("update");
      if (!before) throw new ProblemError(404, { detail: "no such subscriber" });
      // A new plan while served: the old one is billed to yesterday, the new one from today.
      const newPlan =
        input.planId !== undefined && input.planId !== before.planId && before.status === "active";
      if (newPlan) await stopBilling(tx, id, today(), staff.id);
      const [after] = await tx
        .update(subscribers)
        .set({ ...input, updatedAt: sql`now()` })
        .where(eq(subscribers.id, id))
        .returning();
      if (!after) throw new Error("update returned nothing");
      if (newPlan) await startBilling(tx, id, today());
      await audit(tx, staff.id, {
        action: "subscriber.update",
        targetType: "subscriber",
        targetId: id,
        before: publicFields(before),
        after: publicFields(after),
      });
      return after;
    });
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw constraintProblem(error);
  }
}

/** Sets a new RADIUS password; the old one is gone and the new one is never shown back. */
export async function resetCredentials(
  db: TenantDb,
  box: SecretBox,
  staff: Staff,
  id: string,
  password: string,
) {
  const updated = await db
    .update(radiusCredentials)
    .set({ passwordEncrypted: box.seal(password, sealedFor.radiusPassword(id)), updatedAt: sql`now()` })
    .where(eq(radiusCredentials.subscriberId, id))
    .returning({ id: radiusCredentials.subscriberId });
  if (updated.length === 0) throw new ProblemError(404, { detail: "no such subscriber" });
  await audit(db, staff.id, {
    action: "subscriber.credentials.reset",
    targetType: "subscriber",
    targetId: id,
  });
}

export async function setStatus(
  db: TenantDb,
  staff: Staff,
  id: string,
  to: SubscriberStatus,
  reason: string | undefined,
  disconnect: SessionDisconnector | undefined,
) {
  const [exists] = await db.select({ id: subscribers.id }).from(subscribers).where(eq(subscribers.id, id));
  if (!exists) throw new ProblemError(404, { detail: "no such subscriber" });
  try {
    return await changeSubscriberStatus(
      db,
      { subscriberId: id, to, actor: staff.id, reason },
      disconnect,
      billStatusChange(today()),
    );
  } catch (error) {
    if (error instanceof TransitionError) {
      throw new ProblemError(409, {
        detail: error.message,
        errors: [{ path: "to", message: error.message }],
      });
    }
    throw error;
  }
}

function publicFields(s: typeof subscribers.$inferSelect) {
  return {
    name: s.name,
    email: s.email,
    phone: s.phone,
    serviceAddress: s.serviceAddress,
    planId: s.planId,
    staticIp: s.staticIp,
    status: s.status,
  };
}
