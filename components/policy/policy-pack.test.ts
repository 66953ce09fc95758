import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CommandError,
  devkitEnv,
  ensureToolchain,
  type LocalCluster,
  pulumiEnv,
  repoRoot,
  run,
  startCluster,
} from "@dotmac/devkit";
import { scratchDir, uniqueSuffix } from "@dotmac/devkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The policy pack as the engine runs it: through the language host's RunPlugin, on `preview`. */
describe("dotmac policy pack in the engine", () => {
  let cluster: LocalCluster;
  let clusterDir: string;
  let scratch: { path: string; remove(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  const program = join(repoRoot, "components/policy/fixtures/violations");

  beforeAll(async () => {
    const toolchain = await ensureToolchain(devkitEnv());
    clusterDir = await mkdtemp(join(tmpdir(), "dotmac-cluster-"));
    cluster = await startCluster({ dir: clusterDir, toolchain });
    scratch = await scratchDir("policy");
    await mkdir(join(scratch.path, "state"), { recursive: true });
    env = pulumiEnv(toolchain, {
      PULUMI_BACKEND_URL: `file://${join(scratch.path, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: `test-${uniqueSuffix()}`,
      KUBECONFIG: cluster.kubeconfig,
    });
  }, 90 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    await scratch?.remove();
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  });

  it("stops a program that breaks the rules in its preview, naming each rule, and creates nothing", async () => {
    const stack = `violations-${uniqueSuffix()}`;
    // The stack file goes to the scratch dir, not the fixture's folder.
    const configFile = join(scratch.path, `Pulumi.${stack}.yaml`);
    const pulumi = (...args: string[]) =>
      run("pulumi", [...args, "--non-interactive"], { cwd: program, env });
    await pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
    try {
      // `up` previews first: policies judge the whole plan there, before anything is created.
      const failure = await pulumi(
        "up",
        "--yes",
        "-s",
        stack,
        "--config-file",
        configFile,
        "--policy-pack",
        join(repoRoot, "components/policy"),
      ).then(
        () => "",
        (e: CommandError) => `${e.stdout}\n${e.stderr}`,
      );
      for (const rule of [
        "tenant-namespace-guard-rails",
        "tenant-resources-in-own-namespace",
        "containers-hardened",
        "no-secrets-in-configmaps",
      ]) {
        expect(failure, rule).toMatch(new RegExp(`\\[mandatory\\]\\s+${rule}`));
      }
      expect(failure).toMatch(/image registry\.dotmac\.io\/bad:latest uses :latest/);
      expect(failure).toMatch(/tenant-bad: has no ResourceQuota/);
      const state = JSON.parse(await pulumi("stack", "export", "-s", stack)) as {
        deployment: { resources?: { type: string }[] };
      };
      expect((state.deployment.resources ?? []).filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    } finally {
      await pulumi("stack", "rm", "--yes", "--force", "-s", stack).catch(() => undefined);
      await rm(join(program, `Pulumi.${stack}.yaml`), { force: true });
    }
  });
});
