import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditLogs, nasClients, type TenantDb } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NasNetworkReporter } from "../src/server/nas-network-reporter.ts";

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => resolve(text));
  });

/**
 * The reporter against a recording HTTP server that answers as the automation API's
 * PUT /tenants/{slug}/nas-networks does (its real answers are proved in the API's own tests and,
 * end to end with isp-ops, in its engine test): what it sends, when, and what it does with failures.
 */
describe("NAS network reporter", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let db: TenantDb;
  let server: Server;
  let url: string;
  const received: { path: string; auth: string; nasCidrs: string[] }[] = [];
  /** The next answers, in order; a 202 when none is set. */
  const answers: number[] = [];
  let accepted = "";
  let reporter: NasNetworkReporter | undefined;

  const addNas = (name: string, network: string) =>
    db.insert(nasClients).values({ name, network, secretEncrypted: Buffer.alloc(1) });
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`not reached; received ${JSON.stringify(received)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const start = async () => {
    reporter = new NasNetworkReporter({ db, url, token: "dmt_test", slug: "west-fibre", retryMs: [200] });
    await reporter.start();
    return reporter;
  };

  beforeAll(async () => {
    t = await startTenantDatabase();
    db = t.db;
    server = createServer(async (req, res) => {
      const body = JSON.parse(await read(req)) as { nasCidrs: string[] };
      received.push({ path: req.url ?? "", auth: req.headers.authorization ?? "", nasCidrs: body.nasCidrs });
      const status = answers.shift() ?? (JSON.stringify(body.nasCidrs) === accepted ? 200 : 202);
      if (status >= 300) {
        res.writeHead(status, { "content-type": "application/problem+json" });
        res.end(JSON.stringify({ status, detail: "the platform is restarting" }));
        return;
      }
      accepted = JSON.stringify(body.nasCidrs);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ nasCidrs: body.nasCidrs, operationId: status === 202 ? crypto.randomUUID() : null }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await reporter?.stop();
    reporter = undefined;
  });
  afterAll(async () => {
    server?.close();
    await t?.stop();
  });

  it("says nothing while there is no NAS, then reports every change from any writer", async () => {
    const r = await start();
    await new Promise((res) => setTimeout(res, 300));
    // No NAS yet: the networks given at onboarding stand.
    expect(received).toEqual([]);
    expect(r.status.state).toBe("idle");

    // Written straight to the table, as an import or psql would: the NOTIFY is what it hears.
    await addNas("olt-2", "198.51.100.0/24");
    await until(() => r.status.state === "accepted");
    expect(received).toEqual([
      {
        path: "/api/platform/v1/tenants/west-fibre/nas-networks",
        auth: "Bearer dmt_test",
        nasCidrs: ["198.51.100.0/24"],
      },
    ]);
    await addNas("olt-1", "192.0.2.0/24");
    await until(() => received.length === 2 && r.status.state === "accepted");
    expect(received[1]?.nasCidrs).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
    await db.delete(nasClients).where(eq(nasClients.name, "olt-2"));
    await until(() => received.length === 3 && r.status.state === "accepted");
    expect(received[2]?.nasCidrs).toEqual(["192.0.2.0/24"]);
    expect(r.status).toMatchObject({
      state: "accepted",
      nasCidrs: ["192.0.2.0/24"],
      operationId: expect.any(String),
    });

    const reports = await db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.action, "platform.nas-networks.report"));
    expect(reports.map((a) => a.after)).toEqual([
      { nasCidrs: ["198.51.100.0/24"], operationId: expect.any(String) },
      { nasCidrs: ["192.0.2.0/24", "198.51.100.0/24"], operationId: expect.any(String) },
      { nasCidrs: ["192.0.2.0/24"], operationId: expect.any(String) },
    ]);
    expect(JSON.stringify(reports)).not.toContain("dmt_test");
  });

  it("reports what is there at start, and a repeat that changes nothing leaves no audit entry", async () => {
    received.length = 0;
    const before = (await db.select().from(auditLogs)).length;
    const r = await start();
    await until(() => r.status.state === "accepted");
    expect(received.map((x) => x.nasCidrs)).toEqual([["192.0.2.0/24"]]);
    expect(r.status).toMatchObject({ operationId: null });
    expect((await db.select().from(auditLogs)).length).toBe(before);
  });

  it("shows a failed report with the platform's reason and retries until it is accepted", async () => {
    received.length = 0;
    answers.push(503, 503);
    const r = await start();
    await until(() => r.status.state === "failed");
    expect(r.status).toMatchObject({
      state: "failed",
      reason: "the platform answered 503: the platform is restarting",
    });
    await until(() => r.status.state === "accepted");
    expect(received.length).toBe(3);
  });

  it("shows an unreachable platform as such", async () => {
    reporter = new NasNetworkReporter({
      db,
      url: "http://127.0.0.1:9",
      token: "dmt_test",
      slug: "west-fibre",
      retryMs: [60_000],
    });
    await reporter.start();
    await until(() => reporter?.status.state === "failed");
    expect(reporter.status).toMatchObject({ reason: expect.stringMatching(/^the platform is unreachable/) });
  });
});
