import { mkdtemp, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThrowawayDatabase } from "../src/postgres/databases.ts";
import { type PostgresServer, startPostgres } from "../src/postgres/server.ts";

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("embedded Postgres", () => {
  let dir: string;
  let server: PostgresServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
    server = await startPostgres({ dir, ephemeral: true });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("is a real server on 127.0.0.1 that demands the generated password", async () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.external).toBe(false);
    const sql = postgres(server.url, { max: 1 });
    const [row] = await sql<{ version: string }[]>`select version()`;
    await sql.end();
    expect(row?.version).toMatch(/^PostgreSQL 18\./);

    const wrong = postgres(server.url.replace(/:[^:@/]+@/, ":wrong@"), { max: 1 });
    await expect(wrong`select 1`).rejects.toThrow(/password authentication failed/);
    await wrong.end();

    // The password file is readable by its owner only.
    expect((await stat(join(dir, "superuser-password"))).mode & 0o777).toBe(0o600);
  });

  it("creates and drops throwaway databases", async () => {
    const db = await createThrowawayDatabase(server.url, "devkit");
    expect(db.name).toMatch(/^devkit_[0-9a-f]{12}$/);
    const sql = postgres(db.url, { max: 1 });
    await sql`create table t (id int primary key)`;
    await sql`insert into t values (1), (2)`;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from t`;
    expect(count?.n).toBe(2);
    await sql.end();

    await db.drop();
    const admin = postgres(server.url, { max: 1 });
    const rows = await admin`select 1 from pg_database where datname = ${db.name}`;
    await admin.end();
    expect(rows).toHaveLength(0);
  });

  it("adopts DATABASE_URL without starting or stopping anything", async () => {
    const external = await startPostgres({ dir: join(dir, "unused"), databaseUrl: server.url });
    expect(external.external).toBe(true);
    expect(external.port).toBe(server.port);
    await external.stop();
    expect(await portOpen(server.port)).toBe(true);
  });

  it("refuses an unreachable DATABASE_URL with the driver's error", async () => {
    await expect(
      startPostgres({ dir: join(dir, "unused"), databaseUrl: "postgres://nobody:x@127.0.0.1:1/postgres" }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it("refuses a data directory another server holds, and says which", async () => {
    await expect(startPostgres({ dir, ephemeral: true })).rejects.toThrow(
      /another server, pid \d+, holds it/,
    );
    // The running server is untouched.
    const sql = postgres(server.url, { max: 1 });
    await sql`select 1`;
    await sql.end();
  });

  it("keeps its data across a restart and stops cleanly", async () => {
    const sql = postgres(server.url, { max: 1 });
    await sql`create table if not exists kept (v text)`;
    await sql`insert into kept values ('still here')`;
    await sql.end();
    await server.stop();
    expect(await portOpen(server.port)).toBe(false);

    const port = server.port;
    // No port given: it comes back on the port it had, so a developer's DATABASE_URL stays valid.
    server = await startPostgres({ dir, ephemeral: true });
    expect(server.port).toBe(port);
    const again = postgres(server.url, { max: 1 });
    const rows = await again<{ v: string }[]>`select v from kept`;
    await again.end();
    expect(rows.map((r) => r.v)).toEqual(["still here"]);
  });
});
