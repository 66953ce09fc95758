import { existsSync } from "node:fs";
import { readlink, rm, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { type DevkitEnv, hostEnv, pathDirs } from "../env.ts";
import { run } from "../process.ts";
import { type Log, stderrLog } from "../progress.ts";
import { ensureSystemTools } from "../system.ts";
import { ensureGoBuild } from "./build.ts";
import { goBuilds, versions } from "./tools.ts";

export interface Toolchain {
  /** Holds `pulumi` and `pulumi-language-nodejs`. */
  readonly pulumiBinDir: string;
  /**
   * Holds the CLI's guard, also named `pulumi`: first on PATH, it runs the CLI found after it so
   * that no plugin outlives the CLI or its caller.
   */
  readonly guardBinDir: string;
  /** Holds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl. */
  readonly kubernetesBinDir: string;
  /** The real node's other programs by name: coredns, metrics-server, dotmac-netpol, pause. */
  readonly nodeBinaries: Readonly<Record<NodeBinary, string>>;
  /** Holds kwok and kwok-stages.yaml. */
  readonly kwokBinDir: string;
  /** Mailpit, the SMTP server tenant mail goes to locally and in tests. */
  readonly mailpit: string;
  /** stripe-mock, Stripe's mock of its API, that card payments are tested against. */
  readonly stripeMock: string;
  /** PULUMI_HOME with our provider plugins installed. */
  readonly pulumiHome: string;
  /** What was compiled this time (empty when everything came from the cache). */
  readonly built: readonly string[];
}

function buildNamed(name: string) {
  const build = goBuilds.find((b) => b.name === name);
  if (!build) throw new Error(`unknown build ${name}`);
  return build;
}

/** Builds whose one binary the real node runs (as a host process, or in an image of its own). */
const nodeBuilds = {
  coredns: "coredns",
  "metrics-server": "metrics-server",
  "dotmac-netpol": "netpol",
  pause: "pause",
} as const;
export type NodeBinary = keyof typeof nodeBuilds;

/** Resource plugins the npm SDKs ask for, with the binary that serves each. */
const plugins = [
  { name: "kubernetes", version: versions.pulumiKubernetes, build: "pulumi-resource-kubernetes" },
] as const;

/**
 * Makes every binary the platform needs available, building what the cache lacks, and installs
 * the provider plugins into a PULUMI_HOME of our own so nothing is ever downloaded.
 */
export async function ensureToolchain(env: DevkitEnv, log: Log = stderrLog): Promise<Toolchain> {
  await ensureSystemTools(undefined, log);
  const built: string[] = [];
  const ensure = async (name: string) => {
    const result = await ensureGoBuild(env, buildNamed(name), log);
    if (result.built) built.push(name);
    return result.binDir;
  };
  const ambient = await ambientPulumi();
  const pulumiBinDir = ambient ?? (await ensure("pulumi"));
  const languageBinDir = ambient ?? (await ensure("pulumi-language-nodejs"));
  const guardBinDir = await ensure("engine-guard");
  const kubernetesBinDir = await ensure("kubernetes");
  const kwokBinDir = await ensure("kwok");
  const nodeBinaries = {} as Record<NodeBinary, string>;
  for (const [binary, build] of Object.entries(nodeBuilds) as [NodeBinary, string][]) {
    nodeBinaries[binary] = join(await ensure(build), binary);
  }
  const mailpit = join(await ensure("mailpit"), "mailpit");
  const stripeMock = join(await ensure("stripe-mock"), "stripe-mock");
  const pulumiHome = join(env.cacheDir, "pulumi-home");

  for (const plugin of plugins) {
    const binDir = await ensure(plugin.build);
    const installed = join(pulumiHome, "plugins", `resource-${plugin.name}-v${plugin.version}`, plugin.build);
    if (!existsSync(installed)) {
      await run(
        join(pulumiBinDir, "pulumi"),
        ["plugin", "install", "resource", plugin.name, plugin.version, "--file", join(binDir, plugin.build)],
        { env: { ...hostEnv, PULUMI_HOME: pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" } },
      );
    }
  }
  // The engine finds the language host next to the CLI or on PATH; keep both binaries in one place.
  const binDir = ambient ?? (await sameDir(pulumiBinDir, languageBinDir));
  return {
    pulumiBinDir: binDir,
    guardBinDir,
    kubernetesBinDir,
    kwokBinDir,
    nodeBinaries,
    mailpit,
    stripeMock,
    pulumiHome,
    built,
  };
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .replace(/^v/, "")
    .split(/[.-]/)
    .map((x) => Number.parseInt(x, 10) || 0);
  const pb = b
    .replace(/^v/, "")
    .split(/[.-]/)
    .map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * A Pulumi CLI already on PATH is used when it is at least as new as the one we would build and
 * its Node.js language host sits beside it; otherwise we build both.
 */
async function ambientPulumi(): Promise<string | undefined> {
  for (const dir of pathDirs()) {
    if (!dir || !existsSync(join(dir, "pulumi")) || !existsSync(join(dir, "pulumi-language-nodejs")))
      continue;
    const version = await run(join(dir, "pulumi"), ["version"]).catch(() => "");
    if (version && compareVersions(version.trim(), versions.pulumi) >= 0) return dir;
  }
  return undefined;
}

async function linkInto(dir: string, target: string): Promise<void> {
  await linkAs(join(dir, basename(target)), target);
}

async function linkAs(link: string, target: string): Promise<void> {
  const current = await readlink(link).catch(() => undefined);
  if (current !== target) {
    await rm(link, { force: true });
    await symlink(target, link);
  }
}

/**
 * Links the language host beside the CLI, and the dynamic-provider plugin to it (one binary that
 * answers to both names), so one PATH entry serves all three: the engine looks for plugins next
 * to itself and on PATH.
 */
async function sameDir(pulumiBinDir: string, languageBinDir: string): Promise<string> {
  const host = join(languageBinDir, "pulumi-language-nodejs");
  await linkInto(pulumiBinDir, host);
  await linkAs(join(pulumiBinDir, "pulumi-resource-pulumi-nodejs"), host);
  return pulumiBinDir;
}

/** The environment every Pulumi command needs here: our binaries, our plugins, no downloads. */
export function pulumiEnv(
  toolchain: Toolchain,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    ...hostEnv,
    PATH: `${toolchain.guardBinDir}:${toolchain.pulumiBinDir}:${hostEnv.PATH ?? ""}`,
    PULUMI_HOME: toolchain.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "false",
    ...extra,
  };
}
