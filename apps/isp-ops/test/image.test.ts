import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TenantStamp } from "@dotmac/components";
import { containerEnv, record, resetMocks, settled } from "@dotmac/components/testing";
import { TenantSpec } from "@dotmac/contracts";
import { devkitEnv, run } from "@dotmac/devkit";
import {
  buildImages,
  containerStore,
  createPodHost,
  HOST_IP,
  hardenedFacts,
  offerToPods,
  probeStatus,
  type RunningPod,
  runPod,
  waitUntilReady,
} from "@dotmac/devkit/testing";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapAdmin } from "../src/server/staff.ts";

const ADMIN = { email: "admin@image-test.example", password: "an-image-test-password" };

/**
 * The isp-ops image as its TenantStamp runs it: securityContext, environment (ConfigMap and
 * Secrets), volumes, ports and probes from the Deployment the stamp renders under Pulumi mocks;
 * only the database URL and the tenant key are a live system's.
 */
describe("the isp-ops image, run as the TenantStamp runs it", () => {
  let pod: RunningPod;
  let podSpec: any;
  let container: any;
  let base: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const env = devkitEnv();
    const store = await containerStore(env);
    await buildImages(env, { apps: ["isp-ops"] });
    const t = await startTenantDatabase();
    await bootstrapAdmin(t.db, ADMIN.email, ADMIN.password);
    const pg = new URL(t.url);
    const forward = await offerToPods({ host: pg.hostname, port: Number(pg.port) });
    pg.hostname = HOST_IP;
    pg.port = String(forward.port);
    const host = await createPodHost("isp-ops");

    resetMocks();
    new TenantStamp(
      "t",
      {
        spec: TenantSpec.parse({
          slug: "image-test",
          tenantId: crypto.randomUUID(),
          displayName: "Image Test Fibre",
          plan: "professional",
          seats: 5,
        }),
        postgres: { adminUrl: "postgres://admin:pw@127.0.0.1:5432/postgres" },
      },
      { transformations: [record] },
    );
    const { one } = await settled();
    podSpec = one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec;
    container = podSpec.containers[0];
    pod = await runPod(store, {
      image: container.image,
      pod: podSpec,
      container,
      env: containerEnv(container, {
        DATABASE_URL: pg.toString(),
        TENANT_SECRETS_KEY: Buffer.alloc(32, 9).toString("base64"),
      }),
      host,
    });
    base = `http://${pod.ip}:${container.ports[0].containerPort}`;
    stop = async () => {
      await pod?.remove();
      await host.remove();
      await forward.close();
      await t.stop();
    };
  }, 1_200_000);
  afterAll(async () => stop?.());

  it("becomes ready on its probes' paths and ports", async () => {
    await waitUntilReady(pod, container);
    expect(await probeStatus(pod, container, "livenessProbe")).toBe(200);
  });

  it("runs as the stamp's non-root user, read-only, with no capabilities, under seccomp", async () => {
    expect(await pod.facts()).toEqual(hardenedFacts(podSpec, container));
  });

  it("serves the tenant's branded sign-in, and staff sign in against the tenant database", async () => {
    const page = await fetch(`${base}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Image Test Fibre");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const dashboard = await fetch(`${base}/dashboard`, { headers: { cookie }, redirect: "manual" });
    expect(dashboard.status).toBe(200);
    // The browser's assets come from the image too.
    const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await dashboard.text())?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${base}${script}`)).status).toBe(200);
    // The API documents itself from the image, Swagger UI's files included (traced into it by hand).
    const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
    expect(doc.info.title).toBe("DotMac isp-ops API");
    const bundle = await fetch(`${base}/api/v1/reference/swagger-ui-bundle.js`);
    expect([bundle.status, bundle.headers.get("content-type")]).toEqual([200, "text/javascript"]);

    // An invoice PDF from the image: pdfkit's own files and the DejaVu fonts are in it.
    const post = (path: string, json: unknown) =>
      fetch(`${base}/api/v1${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify(json),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    const subscriber = await post("/subscribers", {
      name: "Zoë Image",
      serviceAddress: "1 Container Road",
      username: "zoe-image",
      password: "zoe-image-password",
    });
    expect(subscriber.status).toBe(201);
    const invoice = await post("/invoices", {
      subscriberId: subscriber.body.id,
      lines: [{ description: "Installation", unitMinor: 5000 }],
    });
    expect(invoice.status).toBe(201);
    const pdf = await fetch(`${base}/api/v1/invoices/${invoice.body.id}/pdf`, { headers: { cookie } });
    expect([pdf.status, pdf.headers.get("content-type")]).toEqual([200, "application/pdf"]);
    const dir = await mkdtemp(join(tmpdir(), "image-pdf-"));
    await writeFile(join(dir, "invoice.pdf"), Buffer.from(await pdf.arrayBuffer()));
    const text = await run("pdftotext", [join(dir, "invoice.pdf"), "-"]);
    await rm(dir, { recursive: true, force: true });
    expect(text).toContain("Image Test Fibre");
    expect(text).toContain("Zoë Image");
    expect(text).toContain("Installation");
  });

  it("serves Prometheus metrics on its metrics port only: requests by route and status, subscribers", async () => {
    const metricsPort = container.ports.find((p: { name: string }) => p.name === "metrics").containerPort;
    const text = await (await fetch(`http://${pod.ip}:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/^http_requests_total\{route="\/login",method="GET",code="200"\} \d+$/m);
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="[^"]+",route="\/_next\/\*",method="GET"\} \d+$/m,
    );
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^# TYPE dotmac_isp_subscribers gauge$/m);
    // Not on the app's port, which the Ingress publishes to the internet.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it("ends cleanly on SIGTERM within the grace period", async () => {
    const { exitCode, seconds } = await pod.terminate();
    expect(exitCode, await pod.logs()).toBe(0);
    expect(seconds).toBeLessThan(30);
  });
});
