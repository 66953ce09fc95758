import { TenantStamp } from "@dotmac/components";
import { containerEnv, record, resetMocks, settled } from "@dotmac/components/testing";
import { TenantSpec } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { devkitEnv, radclient } from "@dotmac/devkit";
import {
  buildImages,
  containerStore,
  createPodHost,
  HOST_IP,
  hardenedFacts,
  offerToPods,
  type PodHost,
  probeStatus,
  type RunningPod,
  runPod,
  waitUntilReady,
} from "@dotmac/devkit/testing";
import { servicePlans } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalNas, addSubscriber } from "./harness.ts";

const SECRET = "image-nas-secret";
const KEY = Buffer.alloc(32, 5);

/**
 * The radius image as its TenantStamp runs it: securityContext, environment, volumes, ports and
 * probes come from the Deployment the stamp renders (under Pulumi mocks); only what a live system
 * holds (the database URL, the tenant key) replaces the Secrets' mock values.
 */
describe("the radius image, run as the TenantStamp runs it", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let host: PodHost;
  let pod: RunningPod;
  let podSpec: any;
  let container: any;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const env = devkitEnv();
    const store = await containerStore(env);
    await buildImages(env, { apps: ["radius"] });
    t = await startTenantDatabase();
    const pg = new URL(t.url);
    const forward = await offerToPods({ host: pg.hostname, port: Number(pg.port) });
    pg.hostname = HOST_IP;
    pg.port = String(forward.port);
    host = await createPodHost("radius");
    const box = new SecretBox(KEY);
    // The test host's packets reach the pod from the bridge's address: that is the NAS.
    await addLocalNas(t.db, box, SECRET, true, `${HOST_IP}/32`);
    const [plan] = await t.db
      .insert(servicePlans)
      .values({
        name: "Fibre 50",
        downloadKbps: 50_000,
        uploadKbps: 10_000,
        priceMinor: 1999,
        currency: "EUR",
      })
      .returning();
    await addSubscriber(t.db, box, { username: "image-user", status: "active", planId: plan?.id ?? null });

    resetMocks();
    new TenantStamp(
      "t",
      {
        spec: TenantSpec.parse({
          slug: "image-test",
          tenantId: crypto.randomUUID(),
          displayName: "Image Test",
          plan: "professional",
          seats: 5,
        }),
        postgres: { adminUrl: "postgres://admin:pw@127.0.0.1:5432/postgres" },
      },
      { transformations: [record] },
    );
    const { one } = await settled();
    podSpec = one("kubernetes:apps/v1:Deployment", "radius").inputs.spec.template.spec;
    container = podSpec.containers[0];
    pod = await runPod(store, {
      image: container.image,
      pod: podSpec,
      container,
      env: containerEnv(container, {
        DATABASE_URL: pg.toString(),
        TENANT_SECRETS_KEY: KEY.toString("base64"),
      }),
      host,
    });
    stop = async () => {
      await pod?.remove();
      await host?.remove();
      await forward.close();
      await t?.stop();
    };
  }, 1_200_000);
  afterAll(async () => stop?.());

  const port = (name: string) => container.ports.find((p: { name: string }) => p.name === name).containerPort;

  it("becomes ready on its probes' paths and ports", async () => {
    await waitUntilReady(pod, container);
    expect(await probeStatus(pod, container, "livenessProbe")).toBe(200);
  });

  it("runs as the stamp's non-root user, read-only, with no capabilities, under seccomp", async () => {
    expect(await pod.facts()).toEqual(hardenedFacts(podSpec, container));
  });

  it("answers Debian's radclient: Access-Accept for the right password, Access-Reject otherwise", async () => {
    const attempt = (password: string) =>
      radclient(
        port("auth"),
        "auth",
        SECRET,
        `User-Name = "image-user"\nUser-Password = "${password}"\nMessage-Authenticator = 0x00`,
        pod.ip,
      );
    expect(await attempt("image-user-pw")).toMatch(/Received Access-Accept/);
    expect(await attempt("wrong-password")).toMatch(/Received Access-Reject/);
  });

  it("ends cleanly on SIGTERM within the grace period", async () => {
    const { exitCode, seconds } = await pod.terminate();
    expect(exitCode, await pod.logs()).toBe(0);
    expect(seconds).toBeLessThan(30);
  });
});
