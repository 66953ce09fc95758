import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PlatformStamp } from "@dotmac/components";
import { containerEnv, record, resetMocks, settled } from "@dotmac/components/testing";
import { fileBackendUrl, PlatformSpec } from "@dotmac/contracts";
import {
  devkitEnv,
  freePort,
  type LocalAutomationApi,
  pulumiEnv,
  startLocalAutomationApi,
} from "@dotmac/devkit";
import {
  buildImages,
  containerStore,
  createPodHost,
  HOST_IP,
  hardenedFacts,
  type LocalPlatform,
  offerToPods,
  probeStatus,
  type RunningPod,
  runPod,
  scratchDir,
  startLocalPlatform,
  waitUntilReady,
} from "@dotmac/devkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The platform-admin image as the PlatformStamp runs it, in front of a real automation API. The
 * API is offered on the bridge at the port its Service has, under the Service's DNS name (what
 * cluster DNS would answer); everything else comes from the Deployment the stamp renders.
 */
describe("the platform-admin image, run as the PlatformStamp runs it", () => {
  let platform: LocalPlatform;
  let automation: LocalAutomationApi;
  let pod: RunningPod;
  let podSpec: any;
  let container: any;
  let base: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const env = devkitEnv();
    const store = await containerStore(env);
    await buildImages(env, { apps: ["platform-admin"] });
    platform = await startLocalPlatform({ postgres: true });
    const scratch = await scratchDir("admin-image");
    await mkdir(join(scratch.path, "state"), { recursive: true });
    automation = await startLocalAutomationApi({
      stateDir: scratch.path,
      postgresUrl: platform.postgres?.url ?? "",
      pulumiEnv: pulumiEnv(platform.toolchain, { KUBECONFIG: platform.cluster.kubeconfig }),
      backendUrl: fileBackendUrl(join(scratch.path, "state")),
      passphrase: "image-test-passphrase",
      port: await freePort(),
    });

    resetMocks();
    new PlatformStamp(
      "platform",
      {
        spec: PlatformSpec.parse({ baseDomain: "dotmac.example" }),
        postgres: { adminUrl: "postgres://admin:pw@127.0.0.1:5432/postgres" },
      },
      { transformations: [record] },
    );
    const { one } = await settled();
    podSpec = one("kubernetes:apps/v1:Deployment", "platform-admin").inputs.spec.template.spec;
    container = podSpec.containers[0];
    const podEnv = containerEnv(container);
    const upstream = new URL(podEnv.AUTOMATION_API_URL ?? "");
    const api = new URL(automation.url);
    const forward = await offerToPods({ host: api.hostname, port: Number(api.port) }, Number(upstream.port));
    const host = await createPodHost("admin");
    pod = await runPod(store, {
      image: container.image,
      pod: podSpec,
      container,
      env: podEnv,
      host,
      hosts: { [upstream.hostname]: HOST_IP },
    });
    base = `http://${pod.ip}:${container.ports[0].containerPort}`;
    stop = async () => {
      await pod?.remove();
      await host.remove();
      await forward.close();
      await automation.service.stop();
      await platform.stop();
      await scratch.remove();
    };
  }, 1_200_000);
  afterAll(async () => stop?.());

  it("becomes ready on its probes' paths and ports (readiness: the automation API answers)", async () => {
    await waitUntilReady(pod, container);
    expect(await probeStatus(pod, container, "livenessProbe")).toBe(200);
  });

  it("runs as the stamp's non-root user, read-only, with no capabilities, under seccomp", async () => {
    expect(await pod.facts()).toEqual(hardenedFacts(podSpec, container));
  });

  it("signs an admin in through its proxy to the automation API and shows the tenants page", async () => {
    const page = await fetch(`${base}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const password = (await readFile(automation.adminPasswordFile, "utf8")).trim();
    const login = await fetch(`${base}/api/platform/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: automation.adminEmail, password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const tenants = await fetch(`${base}/tenants`, { headers: { cookie }, redirect: "manual" });
    expect(tenants.status).toBe(200);
    expect(await tenants.text()).toContain("No ISPs yet.");
  });

  it("ends cleanly on SIGTERM within the grace period", async () => {
    const { exitCode, seconds } = await pod.terminate();
    expect(exitCode, await pod.logs()).toBe(0);
    expect(seconds).toBeLessThan(30);
  });
});
