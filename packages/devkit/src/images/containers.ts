import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type DevkitEnv, hostEnv } from "../env.ts";
import { CommandError, run } from "../process.ts";
import type { Log } from "../progress.ts";
import { ensureSystemTools, type SystemTool } from "../system.ts";

/** buildah builds images without a daemon; skopeo publishes them; podman runs them in tests. */
export const containerTools: readonly SystemTool[] = [
  { command: "buildah", debianPackage: "buildah" },
  { command: "skopeo", debianPackage: "skopeo" },
  { command: "podman", debianPackage: "podman" },
  { command: "runc", debianPackage: "runc" },
];

/**
 * One image store for buildah, podman and skopeo, in our cache (outside the repository). overlay
 * where the kernel has it (layers share their files); vfs otherwise, which copies every layer
 * whole: a few builds of the four images then take tens of GB.
 */
export interface ContainerStore {
  /** The environment every container command runs with. */
  readonly env: NodeJS.ProcessEnv;
  readonly graphRoot: string;
}

export async function containerStore(env: DevkitEnv, log?: Log): Promise<ContainerStore> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "building and running images here needs root (buildah and podman without a daemon); run as root, or build in CI",
    );
  }
  await ensureSystemTools(containerTools, log);
  const driver = (await readFile("/proc/filesystems", "utf8")).includes("\toverlay") ? "overlay" : "vfs";
  const dir = join(env.cacheDir, "containers");
  const graphRoot = join(dir, `storage-${driver}`);
  const conf = join(dir, `storage-${driver}.conf`);
  await mkdir(graphRoot, { recursive: true });
  if (!existsSync(conf)) {
    await writeFile(
      conf,
      `[storage]\ndriver = "${driver}"\ngraphroot = "${graphRoot}"\nrunroot = "/run/dotmac-containers/${createHash("sha256").update(graphRoot).digest("hex").slice(0, 12)}"\n`,
    );
  }
  // runc, not podman's default crun: crun refuses a cgroup v1 machine whose cgroup2 hierarchy
  // still offers a controller ("cgroups in hybrid mode not supported"), as some of these do when
  // hugetlb is not mounted as v1. runc (the real node's runtime too) handles both.
  const engineConf = join(dir, "containers.conf");
  await writeFile(engineConf, '[engine]\nruntime = "runc"\n');
  return {
    env: {
      ...hostEnv,
      CONTAINERS_STORAGE_CONF: conf,
      CONTAINERS_CONF: engineConf,
      BUILDAH_ISOLATION: "chroot",
    },
    graphRoot,
  };
}

/** Runs a container tool against our store; failures carry the tool's own last lines. */
export async function containerCommand(
  store: ContainerStore,
  tool: "buildah" | "podman" | "skopeo",
  args: readonly string[],
  opts: { cwd?: string } = {},
): Promise<string> {
  try {
    return await run(tool, args, { env: store.env, ...opts });
  } catch (error) {
    if (error instanceof CommandError) {
      throw new Error(
        `${tool} ${args.slice(0, 2).join(" ")} failed:\n${error.stderr.trim().split("\n").slice(-15).join("\n")}`,
      );
    }
    throw error;
  }
}

export interface StoredImage {
  readonly id: string;
  readonly size: number;
  readonly labels: Record<string, string>;
}

/** The image stored under a name, or undefined. */
export async function inspectImage(store: ContainerStore, name: string): Promise<StoredImage | undefined> {
  const out = await run("podman", ["image", "inspect", name], { env: store.env }).catch(() => "");
  if (!out) return undefined;
  const [info] = JSON.parse(out) as { Id: string; Size: number; Labels?: Record<string, string> | null }[];
  return info ? { id: info.Id, size: info.Size, labels: info.Labels ?? {} } : undefined;
}
