import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devkitEnv } from "../src/env.ts";
import { buildImages } from "../src/images/app-images.ts";
import { containerCommand, containerStore } from "../src/images/containers.ts";
import { pushImages } from "../src/images/push-images.ts";
import { type LocalRegistry, startLocalRegistry } from "../src/images/registry.ts";
import { run } from "../src/process.ts";

/**
 * `dotmac-dev images push` as a release pipeline runs it, against a real OCI registry
 * (distribution's): the image arrives under <registry>/dotmac/<app>:<version>, byte for byte.
 */
describe("publishing images to a registry", () => {
  const env = devkitEnv();
  let registry: LocalRegistry;

  beforeAll(async () => {
    registry = await startLocalRegistry(env);
  }, 30 * 60_000);
  afterAll(async () => registry?.stop());

  it("pushes an image that the registry serves back with the same layers and labels", async () => {
    const [built] = await buildImages(env, { apps: ["radius"] });
    if (!built) throw new Error("nothing built");
    const pushed = await pushImages(env, { registry: registry.host, insecure: true, apps: ["radius"] });
    expect(pushed).toEqual([`${registry.host}/dotmac/radius:${built.reference.split(":").at(-1)}`]);

    const catalog = (await (await fetch(`http://${registry.host}/v2/_catalog`)).json()) as {
      repositories: string[];
    };
    expect(catalog.repositories).toEqual(["dotmac/radius"]);
    const store = await containerStore(env);
    const inspect = async (ref: string, ...flags: string[]) =>
      JSON.parse(await containerCommand(store, "skopeo", ["inspect", ...flags, ref]));
    const remote = (await inspect(`docker://${pushed[0]}`, "--tls-verify=false")) as {
      Labels: Record<string, string>;
    };
    // The same filesystem, layer for layer (the registry holds them compressed: compare diff ids).
    const diffIds = async (ref: string, ...flags: string[]) =>
      ((await inspect(ref, "--config", ...flags)) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
    expect(await diffIds(`docker://${pushed[0]}`, "--tls-verify=false")).toEqual(
      await diffIds(`containers-storage:${built.reference}`),
    );
    const local = (await inspect(`containers-storage:${built.reference}`)) as {
      Labels: Record<string, string>;
    };
    expect(remote.Labels).toEqual(local.Labels);
    expect(remote.Labels["org.opencontainers.image.version"]).toBe(built.reference.split(":").at(-1));
  });

  it("refuses to push an image that is not built, naming the command that builds it", async () => {
    // An image store of its own, empty.
    const cacheDir = await mkdtemp(join(tmpdir(), "dotmac-empty-store-"));
    try {
      await expect(
        pushImages({ ...env, cacheDir }, { registry: registry.host, insecure: true, apps: ["isp-ops"] }),
      ).rejects.toThrow(/not built yet: run dotmac-dev images build isp-ops/);
    } finally {
      // The store mounts its overlay folder on itself.
      for (const line of (await readFile("/proc/self/mounts", "utf8")).split("\n")) {
        const mount = line.split(" ")[1];
        if (mount?.startsWith(cacheDir)) await run("umount", ["-l", mount]);
      }
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
