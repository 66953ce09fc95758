import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretBox } from "@dotmac/crypto/secret-box";
import {
  apiRequest,
  devkitEnv,
  ensureToolchain,
  type LocalCluster,
  LocalRadiusRunner,
  radclient,
  startCluster,
} from "@dotmac/devkit";
import { radiusCredentials, sealedFor, servicePlans, subscribers } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalNas } from "./harness.ts";

const SECRET = "local-nas-secret";
const NS = "tenant-localrun";

/**
 * `npm start` runs one RADIUS server per live tenant: the runner reads the tenant's RADIUS
 * Deployment (shaped as components/tenant/radius.ts makes it) and its Secrets from the local
 * control plane and runs `dotmac-radius serve` with that environment.
 */
describe("local RADIUS per tenant", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let cluster: LocalCluster;
  let clusterDir: string;
  let stateDir: string;
  let runner: LocalRadiusRunner;
  const key = Buffer.alloc(32, 5);
  const events: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await apiRequest(cluster.credentials, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    return res;
  };
  const deployment = (replicas: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "radius",
      namespace: NS,
      labels: {
        "app.kubernetes.io/name": "radius",
        "app.kubernetes.io/component": "radius",
        "app.kubernetes.io/part-of": "dotmac",
        "dotmac.io/tenant-slug": "localrun",
      },
    },
    spec: {
      replicas,
      selector: { matchLabels: { "app.kubernetes.io/name": "radius" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "radius" } },
        spec: {
          containers: [
            {
              name: "radius",
              image: "dotmac/radius:test",
              env: [
                { name: "TENANT_SLUG", value: "localrun" },
                { name: "RADIUS_AUTH_PORT", value: "1812" },
                {
                  name: "DATABASE_URL",
                  valueFrom: { secretKeyRef: { name: "tenant-db", key: "DATABASE_URL" } },
                },
                {
                  name: "TENANT_SECRETS_KEY",
                  valueFrom: { secretKeyRef: { name: "radius", key: "TENANT_SECRETS_KEY" } },
                },
              ],
            },
          ],
        },
      },
    },
  });

  beforeAll(async () => {
    t = await startTenantDatabase();
    const box = new SecretBox(key);
    const [plan] = await t.db
      .insert(servicePlans)
      .values({ name: "Home", downloadKbps: 50_000, uploadKbps: 10_000, priceMinor: 1999, currency: "EUR" })
      .returning();
    const [s] = await t.db
      .insert(subscribers)
      .values({ name: "Local", serviceAddress: "3 Road", status: "active", planId: plan?.id ?? null })
      .returning();
    await t.db.insert(radiusCredentials).values({
      subscriberId: s?.id ?? "",
      username: "local",
      passwordEncrypted: box.seal("local-pw", sealedFor.radiusPassword(s?.id ?? "")),
    });
    await addLocalNas(t.db, box, SECRET, false);

    const toolchain = await ensureToolchain(devkitEnv());
    clusterDir = await mkdtemp(join(tmpdir(), "dotmac-cluster-"));
    stateDir = await mkdtemp(join(tmpdir(), "dotmac-state-"));
    cluster = await startCluster({ dir: clusterDir, toolchain });
    await api("POST", "/api/v1/namespaces", { metadata: { name: NS } });
    for (const [name, data] of [
      ["tenant-db", { DATABASE_URL: t.url }],
      ["radius", { TENANT_SECRETS_KEY: key.toString("base64") }],
    ] as const) {
      await api("POST", `/api/v1/namespaces/${NS}/secrets`, { metadata: { name }, stringData: data });
    }
    runner = new LocalRadiusRunner({
      credentials: cluster.credentials,
      stateDir,
      onChange: (event, r) => events.push(`${event} ${r.slug}`),
    });
  }, 30 * 60_000);
  afterAll(async () => {
    await runner?.stopAll();
    await cluster?.stop();
    await t?.stop();
    await rm(clusterDir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it("runs the tenant's server while its Deployment has replicas, and stops it when suspended", async () => {
    await runner.sync();
    expect(runner.servers).toEqual([]);

    await api("POST", `/apis/apps/v1/namespaces/${NS}/deployments`, deployment(1));
    await runner.sync();
    const [server] = runner.servers;
    expect(server?.slug).toBe("localrun");
    const ports = JSON.parse(await readFile(join(stateDir, "radius", "localrun.json"), "utf8"));
    expect(ports.authPort).toBe(server?.authPort);
    const out = await radclient(
      server?.authPort ?? 0,
      "auth",
      SECRET,
      'User-Name = "local", User-Password = "local-pw"',
    );
    expect(out).toMatch(/Received Access-Accept/);
    expect(out).toMatch(/Mikrotik-Rate-Limit = "10M\/50M"/);

    // Another pass with nothing changed keeps the same process.
    await runner.sync();
    expect(runner.servers.map((s) => s.authPort)).toEqual([server?.authPort]);

    await api("PUT", `/apis/apps/v1/namespaces/${NS}/deployments/radius`, deployment(0));
    await runner.sync();
    expect(runner.servers).toEqual([]);
    expect(events).toEqual(["started localrun", "stopped localrun"]);
    expect(
      await radclient(
        server?.authPort ?? 0,
        "auth",
        SECRET,
        'User-Name = "local", User-Password = "local-pw"',
      ),
    ).not.toMatch(/Received/);
  });
});
