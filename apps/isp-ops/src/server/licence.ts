import { ProblemError } from "@dotmac/http/problem";
import { staffUsers, type TenantTx } from "@dotmac/tenant-db";
import { count, isNull, sql } from "drizzle-orm";
import type { IspOpsDeps } from "./deps.ts";

/** How long before its end staff are warned that the licence runs out. */
const WARN_DAYS = 30;

/** The tenant's licence as isp-ops applies it; `unlicensed` where no platform manages it or none is heard. */
export type LicenceStanding =
  | { readonly state: "unlicensed" }
  | {
      readonly state: "valid" | "ending" | "expired";
      readonly seats: number;
      readonly validUntil: Date | null;
    };

export function licenceStanding(entitlements: IspOpsDeps["entitlements"], now = new Date()): LicenceStanding {
  const status = entitlements?.status;
  const licence = status && "entitlements" in status ? status.entitlements.licence : null;
  if (!licence) return { state: "unlicensed" };
  const validUntil = licence.validUntil ? new Date(licence.validUntil) : null;
  const left = validUntil ? validUntil.getTime() - now.getTime() : Number.POSITIVE_INFINITY;
  const state = left <= 0 ? "expired" : left <= WARN_DAYS * 86_400_000 ? "ending" : "valid";
  return { state, seats: licence.seats, validUntil };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * After the licence's end isp-ops is read-only for staff until it is renewed. Subscribers are
 * never cut off by a lapse: the portal, RADIUS, payments and the billing jobs carry on.
 */
export function refuseWhileExpired(standing: LicenceStanding): void {
  if (standing.state !== "expired") return;
  throw new ProblemError(403, {
    detail: `the licence ended on ${day(standing.validUntil ?? new Date())}: isp-ops is read-only for staff until your provider renews it`,
  });
}

/** Active staff against the licence's seats; a new one beyond them is a 409 naming the licence. */
export async function claimSeat(tx: TenantTx, standing: LicenceStanding): Promise<void> {
  if (standing.state === "unlicensed") return;
  // Two admins adding the last seat at once: one waits for the other's count.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('isp-ops staff seats'))`);
  const used = await seatsUsed(tx);
  if (used >= standing.seats) {
    throw new ProblemError(409, {
      detail: `the licence allows ${standing.seats} staff seats and all ${used} are taken: disable someone, or ask your provider for more seats`,
    });
  }
}

/** Seats in use (active staff). */
export async function seatsUsed(db: Pick<TenantTx, "select">): Promise<number> {
  const [row] = await db.select({ n: count() }).from(staffUsers).where(isNull(staffUsers.disabledAt));
  return row?.n ?? 0;
}
