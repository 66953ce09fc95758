import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  apiRequest,
  devkitEnv,
  ensureToolchain,
  type LocalCluster,
  LocalIspOps,
  startCluster,
} from "@dotmac/devkit";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** An HTTP call to 127.0.0.1 with the Host header a browser sends for <slug>.localhost. */
function hostCall(port: number, host: string, path: string, body?: unknown) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: payload ? "POST" : "GET",
        headers: { host, ...(payload ? { "content-type": "application/json" } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * `npm start`'s isp-ops: one development server for every tenant by host name, each tenant's
 * environment read from its isp-ops Deployment (ConfigMap and Secrets) on the local cluster.
 */
describe("local isp-ops for every tenant by host name", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let cluster: LocalCluster;
  let clusterDir: string;
  let stateDir: string;
  let ispOps: LocalIspOps;
  const NS = "tenant-northfibre";

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await apiRequest(cluster.credentials, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  };

  beforeAll(async () => {
    t = await startTenantDatabase();
    const toolchain = await ensureToolchain(devkitEnv());
    clusterDir = await mkdtemp(join(tmpdir(), "dotmac-cluster-"));
    stateDir = await mkdtemp(join(tmpdir(), "dotmac-state-"));
    cluster = await startCluster({ dir: clusterDir, toolchain });
    await api("POST", "/api/v1/namespaces", { metadata: { name: NS } });
    await api("POST", `/api/v1/namespaces/${NS}/configmaps`, {
      metadata: { name: "isp-ops-config" },
      data: {
        TENANT_SLUG: "northfibre",
        NEXT_PUBLIC_TENANT_NAME: "North Fibre",
        NEXT_PUBLIC_PRIMARY_COLOR: "#005f73",
      },
    });
    await api("POST", `/api/v1/namespaces/${NS}/secrets`, {
      metadata: { name: "tenant-db" },
      stringData: { DATABASE_URL: t.url },
    });
    await api("POST", `/api/v1/namespaces/${NS}/secrets`, {
      metadata: { name: "tenant-secrets" },
      stringData: { TENANT_SECRETS_KEY: Buffer.alloc(32, 2).toString("base64") },
    });
    // Shaped as components/tenant/isp-ops.ts makes it.
    await api("POST", `/apis/apps/v1/namespaces/${NS}/deployments`, {
      metadata: {
        name: "isp-ops",
        labels: {
          "app.kubernetes.io/name": "isp-ops",
          "app.kubernetes.io/part-of": "dotmac",
          "dotmac.io/tenant-slug": "northfibre",
        },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "isp-ops" } },
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "isp-ops" } },
          spec: {
            containers: [
              {
                name: "isp-ops",
                image: "dotmac/isp-ops:test",
                envFrom: [{ configMapRef: { name: "isp-ops-config" } }],
                env: [
                  {
                    name: "DATABASE_URL",
                    valueFrom: { secretKeyRef: { name: "tenant-db", key: "DATABASE_URL" } },
                  },
                  {
                    name: "TENANT_SECRETS_KEY",
                    valueFrom: { secretKeyRef: { name: "tenant-secrets", key: "TENANT_SECRETS_KEY" } },
                  },
                ],
              },
            ],
          },
        },
      },
    });
    ispOps = new LocalIspOps({ credentials: cluster.credentials, stateDir });
    await ispOps.start();
  }, 30 * 60_000);
  afterAll(async () => {
    await ispOps?.stop();
    await cluster?.stop();
    await t?.stop();
    await rm(clusterDir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it("serves the tenant at <slug>.localhost with its own database and a generated first admin", async () => {
    expect((await hostCall(ispOps.port, `northfibre.localhost:${ispOps.port}`, "/api/healthz")).status).toBe(
      404,
    );
    await ispOps.sync();
    expect(ispOps.served.map((s) => s.slug)).toEqual(["northfibre"]);
    expect((await stat(ispOps.tenantsFile)).mode & 0o777).toBe(0o600);
    const [tenant] = ispOps.served;
    const password = (await readFile(tenant?.adminPasswordFile ?? "", "utf8")).trim();
    const login = await hostCall(ispOps.port, `northfibre.localhost:${ispOps.port}`, "/api/v1/auth/login", {
      email: "admin@northfibre.localhost",
      password,
    });
    expect(login.status, login.text).toBe(200);
    expect(JSON.parse(login.text).staff.permissions).toContain("settings:write");
    const unknown = await hostCall(ispOps.port, `elsewhere.localhost:${ispOps.port}`, "/login");
    expect([unknown.status, unknown.text]).toEqual([404, expect.stringContaining("northfibre")]);
  });
});
