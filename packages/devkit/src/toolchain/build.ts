import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type DevkitEnv, hostEnv } from "../env.ts";
import { CommandError, run } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import { type GoBuild, kwokStageFiles, versions } from "./tools.ts";

/** A content hash of the wrapper module and flags, so an edited wrapper never reuses a stale binary. */
export async function buildKey(build: GoBuild): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([build.packages, build.ldflags, build.prepare, build.extras, build.output]));
  const files = (await readdir(build.moduleDir, { recursive: true }))
    .filter((f) => /(^|\/)(go\.mod|go\.sum|[^/]+\.go)$/.test(f) && !f.endsWith("_test.go"))
    .sort();
  for (const f of files) {
    hash.update(f);
    hash.update(await readFile(join(build.moduleDir, f)));
  }
  return `${build.name}-${build.version}-${hash.digest("hex").slice(0, 10)}`;
}

export function installDirOf(env: DevkitEnv, key: string): string {
  return join(env.cacheDir, "toolchain", key);
}

function goEnv(env: DevkitEnv): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: never fetch another Go; GOFLAGS=-mod=readonly: go.sum in the repo pins every module.
  return {
    ...hostEnv,
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=readonly",
    GOWORK: "off",
    PATH: `${join(env.goBin, "..")}:${hostEnv.PATH ?? ""}`,
  };
}

async function checkGo(env: DevkitEnv): Promise<string> {
  try {
    return (await run(env.goBin, ["version"])).trim();
  } catch {
    throw new Error(
      `Go was not found at ${env.goBin}. Install Go 1.26 at /usr/local/go (or set DOTMAC_GO to the go binary); ` +
        "devkit builds Pulumi, Kubernetes and KWOK from Go modules.",
    );
  }
}

/** The directory of a module in the module cache, downloading it if needed. */
async function moduleDir(env: DevkitEnv, cwd: string, module: string): Promise<string> {
  const out = await run(env.goBin, ["mod", "download", "-json", module], { cwd, env: goEnv(env) });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}: ${info.Error ?? "no directory"}`);
  return info.Dir;
}

async function prepare(env: DevkitEnv, build: GoBuild, workDir: string): Promise<void> {
  if (build.prepare !== "kubernetes-provider-schema") return;
  // Upstream's main embeds schema-embed.json and terraform-mapping-embed.json, generated at release
  // time and missing from the module zip; generate them the way its generate.go does.
  const dir = await moduleDir(
    env,
    workDir,
    `github.com/pulumi/pulumi-kubernetes/provider/v4@${versions.pulumiKubernetesModule}`,
  );
  const cmdDir = join(dir, "cmd/pulumi-resource-kubernetes");
  const schema = JSON.parse(await readFile(join(cmdDir, "schema.json"), "utf8")) as Record<string, unknown>;
  schema.version = versions.pulumiKubernetes;
  await writeFile(join(workDir, "schema-embed.json"), JSON.stringify(schema));
  const mapping = JSON.parse(await readFile(join(cmdDir, "terraform-mapping.json"), "utf8")) as unknown;
  await writeFile(join(workDir, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

async function copyExtras(env: DevkitEnv, build: GoBuild, workDir: string, outDir: string): Promise<void> {
  if (build.extras !== "kwok-stages") return;
  const dir = await moduleDir(env, workDir, `sigs.k8s.io/kwok@v${versions.kwok}`);
  const stages = await Promise.all(kwokStageFiles.map((f) => readFile(join(dir, f), "utf8")));
  await writeFile(join(outDir, "kwok-stages.yaml"), stages.map((s) => s.trim()).join("\n---\n"));
}

export interface EnsureResult {
  readonly binDir: string;
  readonly built: boolean;
  readonly key: string;
}

/** Returns the bin dir of a build, compiling it first when the cache lacks it. */
export async function ensureGoBuild(
  env: DevkitEnv,
  build: GoBuild,
  log: Log = stderrLog,
): Promise<EnsureResult> {
  const key = await buildKey(build);
  const installDir = installDirOf(env, key);
  const binDir = join(installDir, "bin");
  if (existsSync(join(installDir, ".complete")) && build.binaries.every((b) => existsSync(join(binDir, b)))) {
    return { binDir, built: false, key };
  }
  const goVersion = await checkGo(env);
  const workDir = join(env.cacheDir, "build", `${key}-${process.pid}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(join(env.cacheDir, "build"), { recursive: true });
  await cp(build.moduleDir, workDir, { recursive: true });
  const outDir = join(workDir, "bin");
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  await step(
    `go build ${build.name} ${build.version} (cold builds take minutes)`,
    async () => {
      await prepare(env, build, workDir);
      const output = build.output ? join(outDir, build.output) : `${outDir}/`;
      const ldflags = ["-s", "-w", ...build.ldflags].join(" ");
      try {
        await run(env.goBin, ["build", "-trimpath", "-o", output, "-ldflags", ldflags, ...build.packages], {
          cwd: workDir,
          env: goEnv(env),
        });
      } catch (error) {
        if (error instanceof CommandError) {
          throw new Error(`go build of ${build.name} failed:\n${error.stderr.trim()}`);
        }
        throw error;
      }
      await copyExtras(env, build, workDir, outDir);
    },
    log,
  );
  await rm(installDir, { recursive: true, force: true });
  await mkdir(installDir, { recursive: true });
  await rename(outDir, binDir);
  await writeFile(
    join(installDir, ".complete"),
    `${JSON.stringify({ key, goVersion, seconds: Math.round((performance.now() - started) / 1000), at: new Date().toISOString() })}\n`,
  );
  await rm(workDir, { recursive: true, force: true });
  return { binDir, built: true, key };
}
