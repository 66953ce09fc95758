import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { repoRoot } from "../env.ts";
import { run } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { type BaseImages, ensureBaseImages } from "./base-image.ts";
import { type ContainerStore, containerCommand, containerStore, inspectImage } from "./containers.ts";
import { stagePulumiToolchain } from "./pulumi-stage.ts";

/** The repository the stamps' default image references name. */
export const IMAGE_REPOSITORY = "registry.dotmac.io/dotmac";

export const appNames = ["radius", "isp-ops", "platform-admin", "automation-api"] as const;
export type AppName = (typeof appNames)[number];

export interface BuiltImage {
  readonly app: AppName;
  /** The reference the stamps deploy, e.g. registry.dotmac.io/dotmac/isp-ops:1.0.0. */
  readonly reference: string;
  readonly id: string;
  readonly size: number;
  /** The image as an OCI archive under .dotmac/images/. */
  readonly archive: string;
  readonly built: boolean;
  readonly seconds: number;
}

export async function appVersion(app: AppName): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, "apps", app, "package.json"), "utf8")) as {
    version?: string;
  };
  if (!pkg.version) throw new Error(`apps/${app}/package.json has no version: the image tag comes from it`);
  return pkg.version;
}

/** .dockerignore's patterns as one test on a path (the forms it uses: any-depth, plain, wildcard, negated). */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const glob = (negate ? l.slice(1) : l).replace(/\/$/, "");
      const body = glob
        .split("/")
        .map((part) =>
          part === "**" ? ".*" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"),
        )
        .join("/")
        .replace(/^\.\*\//, "(.*/)?");
      return { negate, re: new RegExp(`^${body}(/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const r of rules) if (r.re.test(path)) excluded = !r.negate;
    return excluded;
  };
}

/** Files git tracks (or would: untracked, not ignored) that .dockerignore lets into the context. */
async function contextFiles(): Promise<string[]> {
  const listed = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
  }).catch(() => "");
  if (!listed) throw new Error("images are built from a git checkout: git ls-files found no files");
  const excluded = dockerignore(await readFile(join(repoRoot, ".dockerignore"), "utf8"));
  return listed
    .split("\n")
    .filter((f) => f && !excluded(f) && existsSync(join(repoRoot, f)))
    .sort();
}

/** The context paths a Dockerfile copies in (COPY without --from): its inputs besides its bases. */
export function copiedPaths(dockerfile: string): string[] {
  const paths: string[] = [];
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    const words = line.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== "COPY" || words.some((w) => w.startsWith("--from"))) continue;
    const args = words.slice(1).filter((w) => !w.startsWith("--"));
    paths.push(
      ...args
        .slice(0, -1)
        .map((p) => (p === "." || p === "./" ? "" : p.replace(/^\.\//, "").replace(/\/$/, ""))),
    );
  }
  return paths;
}

/** What an image is made of: its Dockerfile, the files it copies in, its base images, staged toolchain. */
async function inputsKey(app: AppName, base: BaseImages, extra: string): Promise<string> {
  const dockerfile = await readFile(join(repoRoot, "apps", app, "Dockerfile"), "utf8");
  const roots = copiedPaths(dockerfile);
  const hash = createHash("sha256").update(JSON.stringify([app, base.key, extra, dockerfile]));
  for (const f of await contextFiles()) {
    if (!roots.some((r) => r === "" || f === r || f.startsWith(`${r}/`))) continue;
    hash.update(f);
    hash.update(await readFile(join(repoRoot, f)));
  }
  return hash.digest("hex").slice(0, 20);
}

/**
 * Behind a TLS-inspecting proxy npm needs that proxy's CA: the bundle Node is told to trust here is
 * mounted into the build's RUN steps and named by the Dockerfiles' NODE_EXTRA_CA_CERTS argument.
 */
function hostCaArgs(env: DevkitEnv): string[] {
  const bundle = env.extraCaCerts;
  if (!bundle || !existsSync(bundle)) return [];
  return ["--volume", `${bundle}:/run/host-ca.crt:ro`, "--build-arg", "NODE_EXTRA_CA_CERTS=/run/host-ca.crt"];
}

async function gitRevision(): Promise<string> {
  return (await run("git", ["rev-parse", "HEAD"], { cwd: repoRoot }).catch(() => "unknown")).trim();
}

async function gitSource(): Promise<string> {
  return (await run("git", ["remote", "get-url", "origin"], { cwd: repoRoot }).catch(() => "")).trim();
}

export interface BuildOptions {
  readonly apps?: readonly AppName[];
  readonly toolchain?: Toolchain;
  readonly log?: Log;
}

/**
 * Builds each app's Dockerfile with buildah (no daemon), tags it as the stamps name it, and writes
 * an OCI archive. An image whose inputs have not changed is not rebuilt.
 */
export async function buildImages(env: DevkitEnv, opts: BuildOptions = {}): Promise<BuiltImage[]> {
  const log = opts.log ?? stderrLog;
  const store = await containerStore(env, log);
  const base = await ensureBaseImages(env, store, log);
  const apps = opts.apps ?? appNames;
  const revision = await gitRevision();
  const source = await gitSource();
  const results: BuiltImage[] = [];
  for (const app of apps) {
    let extra = "";
    if (app === "automation-api") {
      if (!opts.toolchain)
        throw new Error("the automation-api image needs the Pulumi toolchain (toolchain ensure)");
      extra = await stagePulumiToolchain(opts.toolchain);
    }
    results.push(await buildOne(env, store, base, app, { extra, revision, source }, log));
  }
  return results;
}

async function buildOne(
  env: DevkitEnv,
  store: ContainerStore,
  base: BaseImages,
  app: AppName,
  meta: { extra: string; revision: string; source: string },
  log: Log,
): Promise<BuiltImage> {
  const version = await appVersion(app);
  const reference = `${IMAGE_REPOSITORY}/${app}:${version}`;
  const key = await inputsKey(app, base, meta.extra);
  const archive = join(env.stateDir, "images", `${app}-${version}.oci.tar`);
  const existing = await inspectImage(store, reference);
  if (existing?.labels["io.dotmac.inputs"] === key) {
    // Built already (by another checkout, say): only its archive may be missing here.
    if (!existsSync(archive)) await writeArchive(store, reference, archive);
    return { app, reference, id: existing.id, size: existing.size, archive, built: false, seconds: 0 };
  }
  const started = performance.now();
  await step(
    `image ${reference}`,
    async () => {
      await containerCommand(
        store,
        "buildah",
        [
          "bud",
          "--isolation",
          "chroot",
          "--layers",
          "--network",
          "host",
          "-f",
          join("apps", app, "Dockerfile"),
          "--build-arg",
          `BUILD_IMAGE=${base.build}`,
          "--build-arg",
          `BASE_IMAGE=${base.runtime}`,
          "--build-arg",
          `VERSION=${version}`,
          "--build-arg",
          `REVISION=${meta.revision}`,
          "--build-arg",
          `SOURCE=${meta.source}`,
          ...hostCaArgs(env),
          "--label",
          `io.dotmac.inputs=${key}`,
          "-t",
          reference,
          ".",
        ],
        { cwd: repoRoot },
      );
      await writeArchive(store, reference, archive);
    },
    log,
  );
  const image = await inspectImage(store, reference);
  if (!image) throw new Error(`buildah reported success but ${reference} is not in the store`);
  // The image this one replaces: untagged now, nothing would ever use it again.
  if (existing && existing.id !== image.id)
    await containerCommand(store, "podman", ["rmi", existing.id]).catch(() => {});
  return {
    app,
    reference,
    id: image.id,
    size: image.size,
    archive,
    built: true,
    seconds: (performance.now() - started) / 1000,
  };
}

async function writeArchive(store: ContainerStore, reference: string, archive: string): Promise<void> {
  await mkdir(dirname(archive), { recursive: true });
  await rm(archive, { force: true });
  await containerCommand(store, "buildah", ["push", "-q", reference, `oci-archive:${archive}:${reference}`]);
}

/** The OCI archives of the app images built so far from this checkout (what the real node imports). */
export async function builtImageArchives(env: DevkitEnv): Promise<string[]> {
  const dir = join(env.stateDir, "images");
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith(".oci.tar")).map((f) => join(dir, f));
}
