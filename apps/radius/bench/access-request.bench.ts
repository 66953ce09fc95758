/**
 * Access-Request load on our RADIUS server (its own process, the CLI a tenant runs) over 100,000
 * subscribers in the embedded Postgres: PAP with Message-Authenticator, many requests in flight,
 * throughput and latency percentiles, and the same load on Debian's FreeRADIUS 3.2 reading the same
 * database through the compatibility views. Targets: p99 <= 5 ms, throughput >= FreeRADIUS's.
 * Prints one table.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { createThrowawayDatabase, freePorts, repoRoot, startPostgres } from "@dotmac/devkit";
import { createTenantDb, nasClients, sealedFor, servicePlans } from "@dotmac/tenant-db";
import { migrateTenantDb } from "@dotmac/tenant-db/migrate";
import { radiusCodec as radius } from "../src/packets.ts";
import { startFreeRadius } from "../test/freeradius.ts";

const SUBSCRIBERS = 100_000;
const SECRET = "bench-secret";
const DURATION_MS = 10_000;

const dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
const server = await startPostgres({ dir, ephemeral: true });
const database = await createThrowawayDatabase(server.url, "radius_bench");
await migrateTenantDb(database.url);
const { db, close } = createTenantDb(database.url, { max: 4 });
const key = randomBytes(32);
const box = new SecretBox(key);
const pg = db.$client;
const seeded = performance.now();
const [plan] = await db
  .insert(servicePlans)
  .values({ name: "Fibre 100", downloadKbps: 100_000, uploadKbps: 20_000, priceMinor: 2999, currency: "EUR" })
  .returning();
await pg`insert into subscribers (name, service_address, status, plan_id)
         select 'Subscriber ' || i, i || ' Fibre Street', 'active', ${plan?.id ?? null} from generate_series(1, ${SUBSCRIBERS}) i`;
const ids = await pg<{ id: string; n: string }[]>`select id, account_number - 100000 as n from subscribers`;
for (let i = 0; i < ids.length; i += 10_000) {
  const rows = ids.slice(i, i + 10_000).map((s) => ({
    subscriber_id: s.id,
    username: `user${s.n}`,
    password_encrypted: box.seal(`pw${s.n}`, sealedFor.radiusPassword(s.id)),
  }));
  await pg`insert into radius_credentials ${pg(rows)}`;
}
const nasId = crypto.randomUUID();
await db.insert(nasClients).values({
  id: nasId,
  name: "bench",
  network: "127.0.0.1/32",
  secretEncrypted: box.seal(SECRET, sealedFor.nasSecret(nasId)),
});
await pg`analyze`;
const seedSeconds = (performance.now() - seeded) / 1000;

const [authPort, acctPort, metricsPort, controlPort] = (await freePorts(4)) as [
  number,
  number,
  number,
  number,
];
const child = spawn(process.execPath, [join(repoRoot, "apps/radius/bin/dotmac-radius.js"), "serve"], {
  env: {
    ...process.env,
    DATABASE_URL: database.url,
    TENANT_SECRETS_KEY: key.toString("base64"),
    RADIUS_HOST: "127.0.0.1",
    RADIUS_AUTH_PORT: String(authPort),
    RADIUS_ACCT_PORT: String(acctPort),
    RADIUS_METRICS_PORT: String(metricsPort),
    RADIUS_CONTROL_PORT: String(controlPort),
    LOG_LEVEL: "error",
  },
  stdio: "inherit",
});
for (let i = 0; i < 200; i++) {
  if (
    await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}

/**
 * Requests encoded before the clock starts, so the load generator's own work (MD5, HMAC, the
 * `radius` package's encoder) does not compete with the servers for the two cores. 256 per
 * identifier: a packet comes round again only after 65,536 requests on its socket, far outside
 * the servers' 5 s duplicate window at these rates (ours counts duplicates; the table shows them).
 */
const PER_IDENTIFIER = 256;
const pool = Array.from({ length: 256 }, (_, identifier) =>
  Array.from({ length: PER_IDENTIFIER }, () => {
    const n = randomInt(1, SUBSCRIBERS + 1);
    return radius.encode({
      code: "Access-Request",
      secret: SECRET,
      identifier,
      attributes: [
        ["User-Name", `user${n}`],
        ["User-Password", `pw${n}`],
      ],
      add_message_authenticator: true,
    });
  }),
);

/** Keeps IN_FLIGHT requests outstanding on one socket for the duration; records each latency. */
async function loadOn(
  port: number,
  deadline: number,
  latencies: number[],
  inFlight: number,
): Promise<{ sent: number; lost: number; refused: number }> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const pending = new Map<number, number>();
  let next = 0;
  let sent = 0;
  let lost = 0;
  // Every request is a valid login: anything but an Access-Accept (2) is a failure, not throughput.
  let refused = 0;
  const fire = () => {
    if (performance.now() >= deadline) return;
    const id = next % 256;
    const packet = pool[id]?.[Math.floor(next / 256) % PER_IDENTIFIER];
    next++;
    if (!packet) return;
    pending.set(id, performance.now());
    sent++;
    socket.send(packet, port, "127.0.0.1");
  };
  socket.on("message", (answer) => {
    const started = pending.get(answer[1] ?? -1);
    if (started === undefined) return;
    pending.delete(answer[1] ?? -1);
    if (answer[0] === 2) latencies.push(performance.now() - started);
    else refused++;
    fire();
  });
  for (let i = 0; i < inFlight; i++) fire();
  await new Promise((r) => setTimeout(r, deadline - performance.now() + 1000));
  lost = pending.size;
  socket.close();
  return { sent, lost, refused };
}

// As many database connections as FreeRADIUS has threads (32), so none waits for a connection.
const freeradius = await startFreeRadius({
  databaseUrl: database.url,
  secretsKey: key.toString("base64"),
  connections: 32,
});

/** One row per load level: answers per second and latency percentiles. */
async function measure(port: number) {
  await loadOn(port, performance.now() + 2000, [], 16);
  const rows: {
    inFlight: number;
    perSecond: number;
    p50: number;
    p99: number;
    lost: number;
    refused: number;
  }[] = [];
  for (const [sockets, perSocket] of [
    [1, 4],
    [2, 8],
    [8, 16],
  ] as const) {
    const latencies: number[] = [];
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: sockets }, () => loadOn(port, started + DURATION_MS, latencies, perSocket)),
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    rows.push({
      inFlight: sockets * perSocket,
      perSecond: Math.round(latencies.length / (DURATION_MS / 1000)),
      p50: pct(0.5),
      p99: pct(0.99),
      lost: results.reduce((s, r) => s + r.lost, 0),
      refused: results.reduce((s, r) => s + r.refused, 0),
    });
  }
  return rows;
}

try {
  const ours = await measure(authPort);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const duplicates = Number(/^dotmac_radius_duplicates_total (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
  const theirs = await measure(freeradius.authPort);
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\nAccess-Request (PAP + Message-Authenticator) over ${SUBSCRIBERS.toLocaleString("en")} subscribers, ${DURATION_MS / 1000} s per row (${machine}; seeding took ${seedSeconds.toFixed(1)} s; retransmissions our server saw: ${duplicates}; targets: p99 <= 5 ms, ratio >= 1.0)`,
  );
  console.log(
    "| in flight | dotmac-radius accepts/s | p50 ms | p99 ms | FreeRADIUS 3.2 accepts/s | p50 ms | p99 ms | ratio | unanswered or refused (ours/theirs) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  ours.forEach((o, i) => {
    const f = theirs[i];
    if (!f) return;
    console.log(
      `| ${o.inFlight} | ${o.perSecond} | ${o.p50.toFixed(2)} | ${o.p99.toFixed(2)} | ${f.perSecond} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${(o.perSecond / Math.max(1, f.perSecond)).toFixed(2)} | ${o.lost + o.refused}/${f.lost + f.refused} |`,
    );
  });
} finally {
  await freeradius.stop();
  child.kill("SIGTERM");
  await close();
  await database.drop();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
