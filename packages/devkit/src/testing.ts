import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import { type LocalCluster, startCluster } from "./cluster/cluster.ts";
import { podPostgres } from "./cluster/node-config.ts";
import { devkitEnv, hostEnv, repoRoot } from "./env.ts";
import { builtImageArchives } from "./images/app-images.ts";
import { ensurePodBridge } from "./net/pod-network.ts";
import { freePort } from "./ports.ts";
import { type PostgresServer, startPostgres } from "./postgres/server.ts";
import { CommandError, run } from "./process.ts";

export { type AuditEvent, readAuditLog } from "./cluster/audit.ts";
export { type BuiltImage, buildImages } from "./images/app-images.ts";
export { containerStore } from "./images/containers.ts";
export { hardenedFacts, probeStatus, type RunningPod, runPod, waitUntilReady } from "./images/run-pod.ts";
export { forwardTcp } from "./net/forward.ts";
export { hostClient } from "./net/host-client.ts";
export { createPodHost, HOST_IP, offerToPods, type PodHost } from "./net/pod-network.ts";
export { loadHttp, podNetns, probeTcp, type TcpTarget } from "./net/probe.ts";
export { crashTree, processesCarrying, waitFor } from "./process.ts";

import type { Log } from "./progress.ts";
import { ensureToolchain, pulumiEnv, type Toolchain } from "./toolchain/toolchain.ts";

/**
 * A scratch folder inside the repository's git-ignored state dir. Pulumi programs copied here
 * still resolve the workspace's node_modules, and stack files they write never touch the tree.
 */
export async function scratchDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = join(devkitEnv().stateDir, "tmp", `${prefix}-${randomBytes(4).toString("hex")}`);
  await mkdir(path, { recursive: true });
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Copies a fixture Pulumi program (under packages/devkit/test/fixtures) into a scratch folder. */
export async function copyFixture(name: string, into: string): Promise<string> {
  const target = join(into, name);
  await cp(join(repoRoot, "packages/devkit/test/fixtures", name), target, { recursive: true });
  return target;
}

/** A random DNS-1123 suffix for names that must not collide between runs. */
export const uniqueSuffix = () => randomBytes(3).toString("hex");

/** A local platform for one test file: a fresh control plane and, when asked, a Postgres server. */
export interface LocalPlatform {
  readonly toolchain: Toolchain;
  readonly cluster: LocalCluster;
  readonly postgres: PostgresServer | undefined;
  stop(): Promise<void>;
}

export async function startLocalPlatform(
  opts: {
    postgres?: boolean;
    nodes?: number;
    /** The real node, with the images `dotmac-dev images build` made; Postgres then serves its pods. */
    realNode?: boolean;
    log?: Log;
  } = {},
): Promise<LocalPlatform> {
  const env = devkitEnv();
  const toolchain = await ensureToolchain(env, opts.log);
  const clusterDir = await mkdtemp(join(tmpdir(), "dotmac-cluster-"));
  const pgDir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
  const appImages = opts.realNode ? await builtImageArchives(env) : [];
  // Without them every tenant pod waits on a pull that cannot happen here, until a rollout deadline.
  if (opts.realNode && appImages.length === 0)
    throw new Error(
      `no app images in ${join(env.stateDir, "images")}: run \`npx dotmac-dev images build\` first`,
    );
  if (opts.realNode) await ensurePodBridge();
  const [cluster, postgres] = await Promise.all([
    startCluster({
      dir: clusterDir,
      toolchain,
      env,
      ...(opts.nodes ? { nodes: opts.nodes } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.realNode ? { realNode: true, appImages } : {}),
    }),
    opts.postgres
      ? startPostgres({ dir: pgDir, ephemeral: true, ...(opts.realNode ? { forPods: podPostgres } : {}) })
      : Promise.resolve(undefined),
  ]);
  return {
    toolchain,
    cluster,
    postgres,
    stop: async () => {
      await cluster.stop();
      await postgres?.stop();
      for (const d of [clusterDir, pgDir]) await rm(d, { recursive: true, force: true });
    },
  };
}

/** A Pulumi project in a scratch folder, with a local backend and passphrase of its own. */
export interface ScratchProject {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `pulumi … --non-interactive` in the project; a failure carries the engine's output. */
  pulumi(...args: string[]): Promise<string>;
  /** Like pulumi(), but resolves to the combined output of a command expected to fail. */
  failure(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/**
 * A project whose program is this repository's `stacks/index.ts` (`main` points there), or the
 * program in `programDir`. Stack files land in the scratch folder, never in the tree.
 */
export async function scratchProject(
  platform: LocalPlatform,
  opts: { prefix: string; programDir?: string },
): Promise<ScratchProject> {
  const scratch = await scratchDir(opts.prefix);
  const dir = opts.programDir ?? scratch.path;
  if (!opts.programDir) {
    await writeFile(
      join(dir, "Pulumi.yaml"),
      `name: dotmac\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: "--import tsx"\nmain: ${relative(dir, join(repoRoot, "stacks/index.ts"))}\n`,
    );
  }
  await mkdir(join(scratch.path, "state"), { recursive: true });
  const env = pulumiEnv(platform.toolchain, {
    PULUMI_BACKEND_URL: fileBackendUrl(join(scratch.path, "state")),
    PULUMI_CONFIG_PASSPHRASE: `test-${uniqueSuffix()}`,
    KUBECONFIG: platform.cluster.kubeconfig,
  });
  const exec = (args: string[]) => run("pulumi", [...args, "--non-interactive"], { cwd: dir, env });
  return {
    dir,
    env,
    pulumi: async (...args) => {
      try {
        return await exec(args);
      } catch (error) {
        if (error instanceof CommandError)
          throw new Error(`pulumi ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
        throw error;
      }
    },
    failure: (...args) =>
      exec(args).then(
        (out) => {
          throw new Error(`pulumi ${args.join(" ")} succeeded, but was expected to fail:\n${out}`);
        },
        (error: unknown) =>
          error instanceof CommandError ? `${error.stdout}\n${error.stderr}` : String(error),
      ),
    remove: scratch.remove,
  };
}

/** `pulumi config set-all --json` for one structured value (what `pulumi config --json` prints). */
export function objectConfig(key: string, value: unknown): string {
  return JSON.stringify({ [key]: { value: JSON.stringify(value), objectValue: value, secret: false } });
}

/**
 * The constraint a failed statement broke (drizzle wraps the driver's error as its cause), its
 * SQLSTATE when no constraint is named, or undefined when the statement succeeded.
 */
export async function violated(statement: PromiseLike<unknown>): Promise<string | undefined> {
  try {
    await statement;
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { constraint_name?: string; code?: string } }).cause;
    return cause?.constraint_name ?? cause?.code;
  }
}

/**
 * Debian's Chromium (`apt-get install chromium`, which `toolchain ensure` does), headless, for
 * the web apps' end-to-end tests; nothing downloads a browser.
 */
export async function launchChromium(): Promise<import("playwright-core").Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Numbered full-page screenshots of a test's steps (01-name.png, 02-…) into a git-ignored folder. */
export function stepScreenshots(dir: string) {
  let step = 0;
  return async (page: import("playwright-core").Page, name: string) => {
    step += 1;
    await page.screenshot({ path: `${dir}/${String(step).padStart(2, "0")}-${name}.png`, fullPage: true });
  };
}

/**
 * One of the web apps as it ships: `next build`, then its CLI's `serve` on a free port of
 * 127.0.0.1, ready when `readyPath` answers 2xx; what it printed is in the error if it is not.
 */
export async function serveBuiltApp(opts: {
  app: "isp-ops" | "platform-admin";
  bin: string;
  env: Record<string, string>;
  readyPath: string;
  /** When the app must know its own address beforehand (the links it mails); a free one otherwise. */
  port?: number;
}): Promise<{ url: string; stop(): void }> {
  const dir = join(repoRoot, "apps", opts.app);
  await run("npx", ["next", "build"], { cwd: dir, env: { ...hostEnv, NEXT_TELEMETRY_DISABLED: "1" } });
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [join(dir, "bin", opts.bin), "serve"], {
    cwd: dir,
    env: {
      ...hostEnv,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout?.on("data", (d) => {
    output += d;
  });
  server.stderr?.on("data", (d) => {
    output += d;
  });
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${url}${opts.readyPath}`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill("SIGTERM");
      throw new Error(`${opts.app} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => server.kill("SIGTERM") };
}

/**
 * A tenant stack configured the way the local cluster's real node takes it: the platform's
 * Postgres at its pod address, RADIUS on a ClusterIP, compact sizing, the cluster's placement.
 * The spec is this repository's TenantSpec input (slug, plan, NAS networks, …).
 */
export async function configureRealNodeTenant(
  platform: LocalPlatform,
  project: ScratchProject,
  tenant: { slug: string } & Record<string, unknown>,
): Promise<string> {
  const pg = platform.postgres;
  if (!pg?.podHost)
    throw new Error("this platform's Postgres does not serve pods (startLocalPlatform({ realNode: true }))");
  const stack = `tenant-${tenant.slug}`;
  const pulumi = (...args: string[]) => project.pulumi(...args);
  await pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
  await pulumi("config", "set", "-s", stack, "--secret", "postgresAdminUrl", pg.url);
  await pulumi("config", "set", "-s", stack, "postgresAppHost", pg.podHost);
  await pulumi("config", "set", "-s", stack, "radiusServiceType", "ClusterIP");
  await pulumi("config", "set", "-s", stack, "sizing", "compact");
  for (const [key, value] of [
    ["dotmac:tenant", tenant],
    ["dotmac:placement", platform.cluster.placement],
  ] as const) {
    await pulumi("config", "set-all", "-s", stack, "--json", objectConfig(key, value));
  }
  return stack;
}
