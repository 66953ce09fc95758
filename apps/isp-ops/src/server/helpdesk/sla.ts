import { type SlaPolicyUpdate, TicketPriority } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { slaPolicies, supportTickets, type TenantDb } from "@dotmac/tenant-db";
import { eq, type SQL, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { Staff } from "../auth.ts";

const t = supportTickets;

/**
 * A ticket's SLA breaches. An answer is late when the first public reply came (or, for a ticket
 * closed unanswered, the close) after it was due, or is still missing past due; a resolution when
 * it came after its due time, or is still missing past it. While pending the resolution clock
 * stands: it has breached if nothing was left of it when it stopped.
 */
export const firstResponseBreached: SQL<boolean> = sql`coalesce(${t.firstRespondedAt}, ${t.resolvedAt}, ${t.closedAt}, now()) > ${t.firstResponseDueAt}`;
export const resolutionBreached: SQL<boolean> = sql`case when ${t.status} = 'pending' then ${t.resolutionLeft} < interval '0'
  else coalesce(${t.resolvedAt}, ${t.closedAt}, now()) > ${t.resolutionDueAt} end`;

/** The policies, most urgent first. */
export async function listSlaPolicies(db: TenantDb) {
  const rows = await db
    .select({
      priority: slaPolicies.priority,
      firstResponseMinutes: slaPolicies.firstResponseMinutes,
      resolutionMinutes: slaPolicies.resolutionMinutes,
    })
    .from(slaPolicies);
  const order = [...TicketPriority.options].reverse();
  return rows.sort((a, b) => order.indexOf(a.priority) - order.indexOf(b.priority));
}

/** Changes a priority's targets for tickets opened (or re-prioritised) from now on. */
export async function updateSlaPolicy(
  db: TenantDb,
  staff: Staff,
  priority: TicketPriority,
  input: SlaPolicyUpdate,
) {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(slaPolicies)
      .where(eq(slaPolicies.priority, priority))
      .for("update");
    if (!before) throw new ProblemError(404, { detail: "no such priority" });
    const [after] = await tx
      .update(slaPolicies)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(slaPolicies.priority, priority))
      .returning({
        priority: slaPolicies.priority,
        firstResponseMinutes: slaPolicies.firstResponseMinutes,
        resolutionMinutes: slaPolicies.resolutionMinutes,
      });
    if (!after) throw new Error("update returned nothing");
    await audit(tx, staff.id, {
      action: "sla.update",
      targetType: "sla_policy",
      targetId: priority,
      before: {
        firstResponseMinutes: before.firstResponseMinutes,
        resolutionMinutes: before.resolutionMinutes,
      },
      after: input,
    });
    return after;
  });
}

/** A policy's target, in minutes, as SQL (for due times computed in the statement that sets them). */
export const policyMinutes = (
  priority: TicketPriority,
  target: "first_response_minutes" | "resolution_minutes",
) => sql`(select ${sql.raw(target)} from sla_policies where priority = ${priority}) * interval '1 minute'`;
