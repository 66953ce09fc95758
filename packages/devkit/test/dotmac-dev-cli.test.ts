import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClusterState } from "../src/cluster/cluster-state.ts";
import { repoRoot } from "../src/env.ts";
import { CommandError, isAlive, run } from "../src/process.ts";

/** The CLI as a developer runs it, against a state dir of its own. */
describe("dotmac-dev CLI", () => {
  let stateDir: string;
  const cli = (...args: string[]) =>
    run(join(repoRoot, "packages/devkit/bin/dotmac-dev.js"), args, {
      env: { ...process.env, DOTMAC_STATE_DIR: stateDir, KUBECONFIG: "", DATABASE_URL: "" },
    });

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "dotmac-state-"));
  });
  afterAll(async () => {
    await cli("cluster", "down").catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  });

  it("starts the control plane and the real node in the background, reports them, and stops them", async () => {
    expect(await cli("cluster", "status")).toMatch(/no cluster has been started/);

    const up = await cli("cluster", "up");
    // With the real node, the API server listens where its pods reach it too.
    expect(up).toMatch(/cluster up: https:\/\/10\.213\.0\.1:6443/);
    expect(up).toContain(`export KUBECONFIG=${join(stateDir, "cluster", "kubeconfig")}`);

    // The processes outlived the command that started them.
    const state = await readClusterState(join(stateDir, "cluster"));
    expect(Object.keys(state?.pids ?? {}).sort()).toEqual([
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kwok",
    ]);
    for (const pid of Object.values(state?.pids ?? {})) expect(isAlive(pid)).toBe(true);
    const node = state?.node?.pids ?? {};
    expect(Object.keys(node).sort()).toEqual(["containerd", "dotmac-netpol", "kube-proxy", "kubelet"]);
    for (const pid of Object.values(node)) expect(isAlive(pid)).toBe(true);

    const status = await cli("cluster", "status");
    expect(status).toMatch(/^ready: https:\/\/10\.213\.0\.1:6443/);
    expect(status).toMatch(/kube-apiserver\s+running/);
    expect(status).toMatch(/kubelet\s+running/);

    // A second `up` while one runs is refused rather than started twice.
    await expect(cli("cluster", "up")).rejects.toThrow(/already running/);

    expect(await cli("cluster", "down")).toBe("cluster stopped\n");
    for (const pid of Object.values({ ...state?.pids, ...node })) expect(isAlive(pid)).toBe(false);
    const after = await cli("cluster", "status").catch((e: CommandError) => e.stdout);
    expect(after).toMatch(/^not ready/);
  });

  it("prints shell exports that point pulumi at our binaries and never download plugins", async () => {
    const env = await cli("env");
    expect(env).toMatch(/^export PATH='[^']*toolchain\/pulumi-/m);
    expect(env).toContain("export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION='true'");
    // Without the metadata sidecars a killed run could leave truncated (see contracts' crashSafeBackendUrl).
    expect(env).toContain(`export PULUMI_BACKEND_URL='${fileBackendUrl(join(stateDir, "pulumi", "state"))}'`);
    expect(env).toContain(`export PULUMI_CONFIG_PASSPHRASE_FILE='${join(stateDir, "pulumi", "passphrase")}'`);
  });

  it("answers an unknown command with usage and exit code 2", async () => {
    const error = await cli("frobnicate").catch((e: CommandError) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).code).toBe(2);
    expect((error as CommandError).stdout).toMatch(/dotmac-dev up/);
  });
});
