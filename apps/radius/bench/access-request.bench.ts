/**
 * Access-Request load on our RADIUS server (its own process, the CLI a tenant runs) over 100,000
 * subscribers in the embedded Postgres: PAP with Message-Authenticator, many requests in flight,
 * throughput and latency percentiles. Target p99 <= 5 ms. Prints one table.
 * FreeRADIUS side by side (the comparison) is not in this run: see the README.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createThrowawayDatabase, freePorts, repoRoot, startPostgres } from "@dotmac/devkit";
import {
  createTenantDb,
  migrateTenantDb,
  nasClients,
  SecretBox,
  sealedFor,
  servicePlans,
} from "@dotmac/tenant-db";

const radius = createRequire(import.meta.url)("radius") as {
  encode(a: {
    code: string;
    secret: string;
    identifier: number;
    attributes: unknown[];
    add_message_authenticator: boolean;
  }): Buffer;
};
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

const [authPort, acctPort, metricsPort] = (await freePorts(3)) as [number, number, number];
const child = spawn(process.execPath, [join(repoRoot, "apps/radius/bin/dotmac-radius.js"), "serve"], {
  env: {
    ...process.env,
    DATABASE_URL: database.url,
    TENANT_SECRETS_KEY: key.toString("base64"),
    RADIUS_HOST: "127.0.0.1",
    RADIUS_AUTH_PORT: String(authPort),
    RADIUS_ACCT_PORT: String(acctPort),
    RADIUS_METRICS_PORT: String(metricsPort),
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

/** Keeps IN_FLIGHT requests outstanding on one socket for the duration; records each latency. */
async function loadOn(
  deadline: number,
  latencies: number[],
  inFlight: number,
): Promise<{ sent: number; lost: number }> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const pending = new Map<number, number>();
  let next = 0;
  let sent = 0;
  let lost = 0;
  const fire = () => {
    if (performance.now() >= deadline) return;
    const id = next++ % 256;
    const n = randomInt(1, SUBSCRIBERS + 1);
    const packet = radius.encode({
      code: "Access-Request",
      secret: SECRET,
      identifier: id,
      attributes: [
        ["User-Name", `user${n}`],
        ["User-Password", `pw${n}`],
      ],
      add_message_authenticator: true,
    });
    pending.set(id, performance.now());
    sent++;
    socket.send(packet, authPort, "127.0.0.1");
  };
  socket.on("message", (answer) => {
    const started = pending.get(answer[1] ?? -1);
    if (started === undefined) return;
    pending.delete(answer[1] ?? -1);
    latencies.push(performance.now() - started);
    fire();
  });
  for (let i = 0; i < inFlight; i++) fire();
  await new Promise((r) => setTimeout(r, deadline - performance.now() + 1000));
  lost = pending.size;
  socket.close();
  return { sent, lost };
}

try {
  await loadOn(performance.now() + 2000, [], 16);
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\nAccess-Request (PAP + Message-Authenticator) over ${SUBSCRIBERS.toLocaleString("en")} subscribers, ${DURATION_MS / 1000} s per row (${machine}; seeding took ${seedSeconds.toFixed(1)} s; target p99 <= 5 ms)`,
  );
  console.log(
    "| server | in flight | answered/s | p50 ms | p99 ms | unanswered |\n| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const [sockets, perSocket] of [
    [1, 4],
    [2, 8],
    [8, 16],
  ] as const) {
    const latencies: number[] = [];
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: sockets }, () => loadOn(started + DURATION_MS, latencies, perSocket)),
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2);
    console.log(
      `| dotmac-radius | ${sockets * perSocket} | ${Math.round(latencies.length / (DURATION_MS / 1000))} | ${pct(0.5)} | ${pct(0.99)} | ${results.reduce((s, r) => s + r.lost, 0)} |`,
    );
  }
} finally {
  child.kill("SIGTERM");
  await close();
  await database.drop();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
