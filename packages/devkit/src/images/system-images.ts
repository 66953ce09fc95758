import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, realpath, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { run } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { versions } from "../toolchain/tools.ts";
import { IMAGE_REPOSITORY } from "./app-images.ts";
import { type BaseImages, ensureBaseImages } from "./base-image.ts";
import { type ContainerStore, containerCommand, containerStore, inspectImage } from "./containers.ts";

/** Debian's Prometheus, the version its bookworm package ships. */
export const PROMETHEUS_VERSION = "2.42.0";

export interface SystemImage {
  readonly name: "pause" | "coredns" | "metrics-server" | "prometheus";
  readonly reference: string;
  readonly archive: string;
}

interface Recipe {
  readonly name: SystemImage["name"];
  readonly reference: string;
  /** What goes in: files from the host, copied to paths in the image. */
  files(): Promise<{ from: string; to: string }[]>;
  /** The scratch image (a static binary) or our runtime base (glibc for the rest). */
  readonly base: "scratch" | "runtime";
  readonly entrypoint: readonly string[];
  readonly user: string;
  /** Identifies the inputs (binary build keys, a package version). */
  inputs(): Promise<string>;
}

async function debianPackage(dir: string, name: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await run("apt-get", ["download", name], { cwd: dir }).catch(async () => {
    await run("apt-get", ["update", "-qq"]);
    await run("apt-get", ["download", name], { cwd: dir });
  });
  const [deb] = (await readdir(dir)).filter((f) => f.endsWith(".deb"));
  if (!deb) throw new Error(`apt-get download ${name} produced no package`);
  const root = join(dir, "root");
  await run("dpkg-deb", ["-x", join(dir, deb), root]);
  return root;
}

function recipes(env: DevkitEnv, toolchain: Toolchain): Recipe[] {
  const bin = toolchain.nodeBinaries;
  const binary = (name: keyof typeof bin, to: string) => ({
    files: async () => [{ from: bin[name], to }],
    inputs: async () => realpath(bin[name]),
  });
  const promDir = join(env.cacheDir, "images", "prometheus");
  return [
    {
      name: "pause",
      reference: `${IMAGE_REPOSITORY}/pause:1`,
      base: "scratch",
      entrypoint: ["/pause"],
      user: "65535:65535",
      ...binary("pause", "/pause"),
    },
    {
      name: "coredns",
      reference: `${IMAGE_REPOSITORY}/coredns:${versions.coredns}`,
      base: "runtime",
      entrypoint: ["/usr/local/bin/coredns"],
      user: "10001:10001",
      ...binary("coredns", "/usr/local/bin/coredns"),
    },
    {
      name: "metrics-server",
      reference: `${IMAGE_REPOSITORY}/metrics-server:${versions.metricsServer}`,
      base: "runtime",
      entrypoint: ["/usr/local/bin/metrics-server"],
      user: "10001:10001",
      ...binary("metrics-server", "/usr/local/bin/metrics-server"),
    },
    {
      name: "prometheus",
      reference: `${IMAGE_REPOSITORY}/prometheus:${PROMETHEUS_VERSION}`,
      base: "runtime",
      entrypoint: ["/usr/bin/prometheus"],
      user: "10001:10001",
      files: async () => {
        const root = await debianPackage(promDir, "prometheus");
        return [{ from: join(root, "usr/bin/prometheus"), to: "/usr/bin/prometheus" }];
      },
      inputs: async () =>
        (await run("apt-cache", ["policy", "prometheus"])).match(/Candidate: (\S+)/)?.[1] ?? "",
    },
  ];
}

async function buildOne(store: ContainerStore, base: BaseImages, recipe: Recipe, key: string): Promise<void> {
  const ctr = (
    await containerCommand(store, "buildah", ["from", recipe.base === "scratch" ? "scratch" : base.runtime])
  ).trim();
  try {
    for (const f of await recipe.files()) {
      await containerCommand(store, "buildah", ["copy", "--chmod", "0755", ctr, f.from, f.to]);
    }
    await containerCommand(store, "buildah", [
      "config",
      "--entrypoint",
      JSON.stringify(recipe.entrypoint),
      "--cmd",
      "[]",
      "--user",
      recipe.user,
      "--label",
      `io.dotmac.inputs=${key}`,
      "--label",
      `org.opencontainers.image.title=${recipe.name}`,
      ctr,
    ]);
    await containerCommand(store, "buildah", ["commit", "--rm", "-q", ctr, recipe.reference]);
  } catch (error) {
    await containerCommand(store, "buildah", ["rm", ctr]).catch(() => {});
    throw error;
  }
}

/**
 * The images the local node runs besides our apps' (nothing can be pulled here): the pod sandbox,
 * CoreDNS, metrics-server and Prometheus, each one of our binaries (or Debian's) on our base.
 */
export async function ensureSystemImages(
  env: DevkitEnv,
  toolchain: Toolchain,
  log: Log = stderrLog,
): Promise<SystemImage[]> {
  const store = await containerStore(env, log);
  const base = await ensureBaseImages(env, store, log);
  const images: SystemImage[] = [];
  for (const recipe of recipes(env, toolchain)) {
    const key = createHash("sha256")
      .update(JSON.stringify([recipe.name, recipe.entrypoint, recipe.user, base.key, await recipe.inputs()]))
      .digest("hex")
      .slice(0, 20);
    const archive = join(env.stateDir, "images", "system", `${recipe.name}.oci.tar`);
    const current = await inspectImage(store, recipe.reference);
    if (current?.labels["io.dotmac.inputs"] !== key) {
      await step(`image ${recipe.reference}`, () => buildOne(store, base, recipe, key), log);
      if (current) await containerCommand(store, "podman", ["rmi", current.id]).catch(() => {});
      await rm(archive, { force: true });
    }
    if (!existsSync(archive)) {
      await mkdir(dirname(archive), { recursive: true });
      await containerCommand(store, "buildah", [
        "push",
        "-q",
        recipe.reference,
        `oci-archive:${archive}:${recipe.reference}`,
      ]);
    }
    images.push({ name: recipe.name, reference: recipe.reference, archive });
  }
  return images;
}
