import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseUrl, type PostgresServer, startPostgres } from "@dotmac/devkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  roleConnectionLimitProvider as limits,
  postgresDatabaseProvider as provider,
} from "./postgres-database.ts";

/** The dynamic provider's create on a real server, including the re-run after a crash mid-create. */
describe("PostgresDatabase provider", () => {
  let dir: string;
  let server: PostgresServer;
  let admin: postgres.Sql;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-pgdb-"));
    server = await startPostgres({ dir, ephemeral: true });
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await admin?.end();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const inputs = (name: string) => ({ adminUrl: server.url, database: name, role: name });
  const loginAs = async (name: string, password: string) => {
    const url = new URL(server.url);
    url.username = name;
    url.password = password;
    url.pathname = `/${name}`;
    const sql = postgres(url.href, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<
        { user: string; db: string }[]
      >`select current_user as user, current_database() as db`;
      return row;
    } finally {
      await sql.end();
    }
  };
  const create = (name: string) =>
    provider.create?.(inputs(name)) as Promise<{ id: string; outs: { password: string } }>;
  /** Opens `n` connections as the role at once; the first refusal's message, if any. */
  const holdConnections = async (name: string, password: string, n: number) => {
    const url = new URL(server.url);
    [url.username, url.password, url.pathname] = [name, password, `/${name}`];
    const clients = Array.from({ length: n }, () => postgres(url.href, { max: 1, onnotice: () => {} }));
    try {
      const results = await Promise.allSettled(clients.map((c) => c`select pg_sleep(0.3)`));
      const refused = results.find((r) => r.status === "rejected");
      return refused ? String((refused.reason as Error).message) : undefined;
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  };

  it("caps the role's connections on the shared server, and a plan change moves the cap", async () => {
    const { outs } = await create("tenant_epsilon");
    const cap = (connectionLimit: number) => ({
      adminUrl: server.url,
      role: "tenant_epsilon",
      connectionLimit,
    });
    await limits.create?.(cap(3));
    expect(await holdConnections("tenant_epsilon", outs.password, 3)).toBeUndefined();
    expect(await holdConnections("tenant_epsilon", outs.password, 4)).toMatch(
      /too many connections for role "tenant_epsilon"/,
    );
    expect((await limits.diff?.("tenant_epsilon", cap(3), cap(5)))?.changes).toBe(true);
    await limits.update?.("tenant_epsilon", cap(3), cap(5));
    expect(await holdConnections("tenant_epsilon", outs.password, 5)).toBeUndefined();
    const [role] = await admin<{ limit: number }[]>`
      select rolconnlimit as limit from pg_roles where rolname = 'tenant_epsilon'`;
    expect(role?.limit).toBe(5);
  });

  it("refuses a connection limit that is not a whole number of connections", async () => {
    for (const bad of [1.5, -2]) {
      const checked = await limits.check?.(
        {},
        { adminUrl: server.url, role: "tenant_zeta", connectionLimit: bad },
      );
      expect(checked?.failures).toEqual([
        { property: "connectionLimit", reason: expect.stringMatching(/whole number/) },
      ]);
    }
  });

  it("creates a role and a database only that role may enter", async () => {
    const { id, outs } = await create("tenant_alpha");
    expect(id).toBe("tenant_alpha");
    expect(await loginAs("tenant_alpha", outs.password)).toEqual({
      user: "tenant_alpha",
      db: "tenant_alpha",
    });
    const [acl] = await admin<{ public: boolean }[]>`
      select has_database_privilege('public', 'tenant_alpha', 'connect') as public`;
    expect(acl?.public).toBe(false);
  });

  it("runs again after a crash between the role and the database, and the new password works", async () => {
    const first = await create("tenant_beta");
    // What a replica killed after CREATE ROLE leaves behind: the role, no database, no state.
    await admin.unsafe(`drop database "tenant_beta"`);
    const again = await create("tenant_beta");
    expect(again.outs.password).not.toBe(first.outs.password);
    expect(await loginAs("tenant_beta", again.outs.password)).toEqual({
      user: "tenant_beta",
      db: "tenant_beta",
    });
    await expect(loginAs("tenant_beta", first.outs.password)).rejects.toThrow(
      /password authentication failed/,
    );
    // And after a crash once everything was made: the database and its data are kept.
    const tenant = postgres(databaseUrl(server.url, "tenant_beta"), { max: 1, onnotice: () => {} });
    await tenant`create table kept (x int)`;
    await tenant.end();
    await create("tenant_beta");
    const check = postgres(databaseUrl(server.url, "tenant_beta"), { max: 1 });
    expect(await check`select to_regclass('kept')::text as t`).toEqual([{ t: "kept" }]);
    await check.end();
  });

  it("refuses a role or a database it did not make, and changes neither", async () => {
    await admin.unsafe(`create role "tenant_gamma" login password 'theirs'`);
    await expect(create("tenant_gamma")).rejects.toThrow(
      /role tenant_gamma already exists and was not created/,
    );
    expect(await loginAs("tenant_gamma", "theirs").catch((e: Error) => e.message)).toMatch(
      /database "tenant_gamma" does not exist/,
    );

    await admin.unsafe(`create database "tenant_delta"`);
    await expect(create("tenant_delta")).rejects.toThrow(/database tenant_delta already exists, owned by/);
    const [owner] = await admin<{ owner: string }[]>`
      select pg_get_userbyid(datdba) as owner from pg_database where datname = 'tenant_delta'`;
    expect(owner?.owner).not.toBe("tenant_delta");
    expect(await admin`select 1 from pg_roles where rolname = 'tenant_delta'`).toHaveLength(0);
  });
});
