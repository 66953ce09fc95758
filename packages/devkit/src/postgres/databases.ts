import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { databaseUrl } from "./server.ts";

export interface ThrowawayDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates a fresh, empty database on the server (one per test file), dropped with drop(). */
export async function createThrowawayDatabase(
  serverUrl: string,
  prefix = "test",
): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  if (!identifier.test(name)) throw new Error(`invalid database name ${name}`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/** Creates the named database unless it exists (the platform's own, kept between runs). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!identifier.test(name)) throw new Error(`invalid database name ${name}`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 as one from pg_database where datname = ${name}`;
    if (!found) await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, name);
}
