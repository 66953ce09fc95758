import type { DeviceCreate } from "@dotmac/contracts";
import { devices, type TenantDb } from "@dotmac/tenant-db";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { constraintProblem } from "./constraints.ts";

export async function listDevices(db: TenantDb, q: string | undefined) {
  const pg = db.$client;
  const filter = q?.trim();
  return pg<
    {
      id: string;
      serial: string;
      model: string;
      mac: string | null;
      genieacsId: string | null;
      subscriberId: string | null;
      subscriber: string | null;
    }[]
  >`
    select d.id, d.serial, d.model, d.mac::text as mac, d.genieacs_id as "genieacsId",
           d.subscriber_id as "subscriberId", s.name as subscriber
      from devices d left join subscribers s on s.id = d.subscriber_id
     ${filter ? pg`where d.serial = ${filter} or d.mac::text = lower(${filter}) or d.model ilike ${`%${filter}%`}` : pg``}
     order by d.created_at desc limit 200`;
}

export async function createDevice(db: TenantDb, staff: Staff, input: DeviceCreate) {
  try {
    return await db.transaction(async (tx) => {
      const [device] = await tx
        .insert(devices)
        .values({
          serial: input.serial,
          model: input.model,
          mac: input.mac ?? null,
          genieacsId: input.genieacsId ?? null,
          subscriberId: input.subscriberId ?? null,
        })
        .returning();
      if (!device) throw new Error("insert returned nothing");
      await audit(tx, staff.id, {
        action: "device.create",
        targetType: "device",
        targetId: device.id,
        after: input,
      });
      return device;
    });
  } catch (error) {
    throw constraintProblem(error);
  }
}
