import { type FieldError, fieldErrors, SubscriberCreate } from "@dotmac/contracts";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import { ProblemError } from "@dotmac/http/problem";
import { radiusCredentials, sealedFor, servicePlans, subscribers, type TenantDb } from "@dotmac/tenant-db";
import { inArray } from "drizzle-orm";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { constraintProblem } from "./constraints.ts";
import { csvLine, parseCsv } from "./csv.ts";

export const IMPORT_COLUMNS = [
  "name",
  "serviceAddress",
  "username",
  "password",
  "email",
  "phone",
  "plan",
  "staticIp",
];
const REQUIRED = ["name", "serviceAddress", "username", "password"];
const MAX_ROWS = 50_000;

/**
 * Subscribers from a CSV (header row: IMPORT_COLUMNS, plan by name). All or nothing: every row
 * is checked first (schema, plan, duplicates in the file and in the database) and any error
 * refuses the whole file with a report per row; otherwise every row goes in one transaction.
 */
export async function importSubscribers(db: TenantDb, box: SecretBox, staff: Staff, text: string) {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    throw new ProblemError(400, { detail: `the file is not valid CSV: ${(error as Error).message}` });
  }
  const [header, ...data] = rows;
  if (!header) throw new ProblemError(400, { detail: "the file is empty" });
  const columns = header.map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !IMPORT_COLUMNS.includes(c));
  if (missing.length || unknown.length) {
    throw new ProblemError(400, {
      detail: "the header row is wrong",
      errors: [
        ...missing.map((c) => ({ path: "header", message: `missing column ${c}` })),
        ...unknown.map((c) => ({ path: "header", message: `unknown column ${c}` })),
      ],
    });
  }
  if (data.length === 0) throw new ProblemError(400, { detail: "the file has no rows" });
  if (data.length > MAX_ROWS) throw new ProblemError(413, { detail: `at most ${MAX_ROWS} rows per file` });

  const plans = new Map((await db.select().from(servicePlans)).map((p) => [p.name, p.id]));
  const errors: FieldError[] = [];
  const valid: { line: number; input: SubscriberCreate }[] = [];
  const seen = { username: new Map<string, number>(), staticIp: new Map<string, number>() };
  data.forEach((cells, i) => {
    const line = i + 2; // the header is line 1
    const record: Record<string, string> = {};
    columns.forEach((c, j) => {
      record[c] = (cells[j] ?? "").trim();
    });
    const { plan, ...rest } = record;
    const planId = plan ? plans.get(plan) : null;
    if (plan && !planId) errors.push({ path: `line ${line}.plan`, message: `no plan named ${plan}` });
    const parsed = SubscriberCreate.safeParse({ ...rest, planId });
    if (!parsed.success) {
      for (const e of fieldErrors(parsed.error))
        errors.push({ path: `line ${line}.${e.path}`, message: e.message });
      return;
    }
    for (const key of ["username", "staticIp"] as const) {
      const value = parsed.data[key];
      if (!value) continue;
      const earlier = seen[key].get(value);
      if (earlier) errors.push({ path: `line ${line}.${key}`, message: `also on line ${earlier}` });
      else seen[key].set(value, line);
    }
    valid.push({ line, input: parsed.data });
  });
  const usernames = [...seen.username.keys()];
  for (let i = 0; i < usernames.length; i += 5000) {
    const taken = await db
      .select({ username: radiusCredentials.username })
      .from(radiusCredentials)
      .where(inArray(radiusCredentials.username, usernames.slice(i, i + 5000)));
    for (const { username } of taken) {
      errors.push({
        path: `line ${seen.username.get(username)}.username`,
        message: "this username is taken",
      });
    }
  }
  const addresses = [...seen.staticIp.keys()];
  for (let i = 0; i < addresses.length; i += 5000) {
    const taken = await db.$client<{ ip: string }[]>`
      select host(static_ip) as ip from subscribers where static_ip = any(${addresses.slice(i, i + 5000)}::inet[])`;
    for (const { ip } of taken) {
      errors.push({
        path: `line ${seen.staticIp.get(ip)}.staticIp`,
        message: "this address is given to another subscriber",
      });
    }
  }
  if (errors.length > 0) {
    errors.sort((a, b) => Number(a.path.split(/[ .]/)[1]) - Number(b.path.split(/[ .]/)[1]));
    throw new ProblemError(400, {
      detail: `nothing was imported: ${errors.length} problem(s) in the file`,
      errors,
    });
  }

  try {
    await db.transaction(async (tx) => {
      for (let i = 0; i < valid.length; i += 1000) {
        const chunk = valid.slice(i, i + 1000);
        const created = await tx
          .insert(subscribers)
          .values(
            chunk.map(({ input }) => ({
              name: input.name,
              email: input.email ?? null,
              phone: input.phone ?? null,
              serviceAddress: input.serviceAddress,
              planId: input.planId ?? null,
              staticIp: input.staticIp ?? null,
            })),
          )
          .returning({ id: subscribers.id });
        await tx.insert(radiusCredentials).values(
          created.map(({ id }, j) => ({
            subscriberId: id,
            username: chunk[j]?.input.username ?? "",
            passwordEncrypted: box.seal(chunk[j]?.input.password ?? "", sealedFor.radiusPassword(id)),
          })),
        );
      }
      await audit(tx, staff.id, {
        action: "subscriber.import",
        targetType: "subscriber",
        after: { rows: valid.length },
      });
    });
  } catch (error) {
    throw constraintProblem(error);
  }
  return { imported: valid.length };
}

export const EXPORT_COLUMNS = [
  "accountNumber",
  "name",
  "email",
  "phone",
  "serviceAddress",
  "status",
  "plan",
  "staticIp",
  "username",
  "createdAt",
];

/** Every subscriber as CSV, streamed from a cursor (no passwords: they are never readable). */
export function exportSubscribers(db: TenantDb): ReadableStream<Uint8Array> {
  const pg = db.$client;
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode(csvLine(EXPORT_COLUMNS)));
      const cursor = pg`
        select s.account_number, s.name, s.email, s.phone, s.service_address, s.status, p.name as plan,
               host(s.static_ip) as static_ip, c.username, s.created_at
          from subscribers s
          left join service_plans p on p.id = s.plan_id
          left join radius_credentials c on c.subscriber_id = s.id
         order by s.account_number`.cursor(2000);
      try {
        for await (const rows of cursor) {
          controller.enqueue(
            encoder.encode(
              rows
                .map((r) =>
                  csvLine([
                    r.account_number,
                    r.name,
                    r.email,
                    r.phone,
                    r.service_address,
                    r.status,
                    r.plan,
                    r.static_ip,
                    r.username,
                    new Date(r.created_at).toISOString(),
                  ]),
                )
                .join(""),
            ),
          );
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
}
