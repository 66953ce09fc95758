import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { billingRuns, invoices, servicePlans } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/dotmac-isp-ops.js", import.meta.url));
const SUBSCRIBERS = 6000;

describe("a billing run killed with SIGKILL", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  const children: ChildProcess[] = [];
  const run = (asOf: string) => {
    const child = spawn(process.execPath, [bin, "billing-run", asOf], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        TENANT_SECRETS_KEY: Buffer.alloc(32, 9).toString("base64"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
      (resolve) => child.on("exit", (code, signal) => resolve({ code, signal, output })),
    );
    return { child, exited };
  };
  const invoiceCount = async () =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(invoices))[0]?.n ?? 0;

  beforeAll(async () => {
    t = await startTenantDatabase();
    const [plan] = await t.db
      .insert(servicePlans)
      .values({
        name: "Fibre 50",
        downloadKbps: 50_000,
        uploadKbps: 10_000,
        priceMinor: 1999,
        currency: "EUR",
      })
      .returning();
    // Active since the 10th of March: every subscriber has a prorated March and whole April and May.
    await t.db.execute(sql`
      with made as (
        insert into subscribers (name, service_address, status, plan_id)
        select 'Crash ' || n, n || ' Kill Street', 'active', ${plan?.id}::uuid from generate_series(1, ${SUBSCRIBERS}) n
        returning id)
      insert into subscriber_status_history (subscriber_id, from_status, to_status, actor, at)
      select id, 'pending', 'active', 'test', '2026-03-10T08:00:00Z' from made`);
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await t?.stop();
  });

  it("leaves whole invoices numbered without gaps, and the next run bills each period exactly once", async () => {
    const first = run("2026-05-15");
    // Kill it in the middle: some batches billed, most not.
    const deadline = Date.now() + 120_000;
    while ((await invoiceCount()) < 300) {
      if (Date.now() > deadline)
        throw new Error(`the run made too few invoices:\n${(await first.exited).output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    const atKill = await invoiceCount();
    expect(atKill).toBeLessThan(SUBSCRIBERS * 3);

    const second = await run("2026-05-15").exited;
    expect(second.code, second.output).toBe(0);
    expect(JSON.parse(second.output.trim().split("\n").at(-1) ?? "{}")).toMatchObject({
      invoices: SUBSCRIBERS * 3 - atKill,
    });

    // Three invoices each (March from the 10th, April, May), no period twice.
    const [counts] = await t.db.execute<{ subscribers: number; periods: number; invoices: number }>(sql`
      select count(distinct subscriber_id)::int as subscribers,
             count(distinct (subscriber_id, period_start))::int as periods, count(*)::int as invoices
        from invoices`);
    expect(counts).toEqual({ subscribers: SUBSCRIBERS, periods: SUBSCRIBERS * 3, invoices: SUBSCRIBERS * 3 });
    // Numbers 1..n, none missing, none twice.
    const numbers = await t.db.execute<{ n: number }>(
      sql`select split_part(number, '-', 3)::int as n from invoices order by 1`,
    );
    expect(numbers.map((r) => r.n)).toEqual(Array.from({ length: SUBSCRIBERS * 3 }, (_, i) => i + 1));
    // Every charge is on the ledger once.
    const [ledger] = await t.db.execute<{ charges: number; sum: string; total: string }>(sql`
      select count(*)::int as charges, sum(amount_minor)::text as sum,
             (select sum(total_minor) from invoices)::text as total
        from ledger_entries where kind = 'charge'`);
    expect(ledger).toEqual({ charges: SUBSCRIBERS * 3, sum: ledger?.total, total: ledger?.total });

    // The next run found the killed one's lock free and marked it interrupted; a third finds
    // nothing to do.
    const third = await run("2026-05-15").exited;
    expect(JSON.parse(third.output.trim().split("\n").at(-1) ?? "{}")).toMatchObject({ invoices: 0 });
    const runs = await t.db.select().from(billingRuns).orderBy(billingRuns.startedAt);
    expect(runs.map((r) => [r.finishedAt !== null, r.error?.split(":")[0] ?? null])).toEqual([
      [true, "interrupted"],
      [true, null],
      [true, null],
    ]);
  });
});
