import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCluster, startCluster } from "../src/cluster/cluster.ts";
import { devkitEnv } from "../src/env.ts";
import { CommandError, run, waitFor } from "../src/process.ts";
import { copyFixture, scratchDir, uniqueSuffix } from "../src/testing.ts";
import { ensureToolchain, pulumiEnv, type Toolchain } from "../src/toolchain/toolchain.ts";

/**
 * The foundation's proof: the real Pulumi CLI, our Node.js language host and the real Kubernetes
 * provider deploy a program to a real kube-apiserver (KWOK nodes), and destroy it again.
 */
describe("pulumi up on the local control plane", () => {
  let toolchain: Toolchain;
  let cluster: LocalCluster;
  let clusterDir: string;
  let scratch: { path: string; remove(): Promise<void> };
  let program: string;
  let env: NodeJS.ProcessEnv;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let coordination: k8s.CoordinationV1Api;
  const namespace = `proof-${uniqueSuffix()}`;

  const pulumi = async (...args: string[]) => {
    try {
      return await run("pulumi", [...args, "--non-interactive"], { cwd: program, env });
    } catch (error) {
      // Surface the engine's own words when a command fails.
      if (error instanceof CommandError)
        throw new Error(`pulumi ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
      throw error;
    }
  };

  beforeAll(async () => {
    // A missing toolchain is built here (cold: many minutes) and fails loudly if it cannot be.
    toolchain = await ensureToolchain(devkitEnv());
    clusterDir = await mkdtemp(join(tmpdir(), "dotmac-cluster-"));
    cluster = await startCluster({ dir: clusterDir, toolchain });
    scratch = await scratchDir("proof");
    program = await copyFixture("proof", scratch.path);
    env = pulumiEnv(toolchain, {
      PULUMI_BACKEND_URL: fileBackendUrl(join(scratch.path, "state")),
      PULUMI_CONFIG_PASSPHRASE: `test-${uniqueSuffix()}`,
      KUBECONFIG: cluster.kubeconfig,
    });
    await mkdir(join(scratch.path, "state"), { recursive: true });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  }, 90 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    await scratch?.remove();
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  });

  it("deploys a namespace, a ConfigMap and a Deployment that becomes Available, then destroys them", async () => {
    await pulumi("stack", "init", "proof", "--secrets-provider", "passphrase");
    await pulumi("config", "set", "namespace", namespace);
    const up = await pulumi("up", "--yes", "--skip-preview");
    expect(up).toMatch(/4 created/);

    const outputs = JSON.parse(await pulumi("stack", "output", "--json")) as Record<string, unknown>;
    expect(outputs.namespace).toBe(namespace);
    expect(outputs.deployment).toBe("app");

    // Read everything back through the API server, not through Pulumi.
    const ns = await core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels?.["dotmac.io/purpose"]).toBe("devkit-proof");
    const cm = await core.readNamespacedConfigMap({ name: "settings", namespace });
    expect(cm.data).toEqual({ greeting: "hello from pulumi", replicas: "2" });

    // The provider waits for the rollout; KWOK's stages made the pods Running on its fake nodes.
    const deployment = await apps.readNamespacedDeployment({ name: "app", namespace });
    expect(deployment.status?.availableReplicas).toBe(2);
    expect(deployment.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    expect(outputs.readyReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe("Running");
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
    }

    // KWOK keeps every node's Lease fresh, so the node controller never marks them NotReady.
    const leases = await coordination.listNamespacedLease({ namespace: "kube-node-lease" });
    expect(leases.items.map((l) => l.metadata?.name).sort()).toEqual(["kwok-node-0", "kwok-node-1"]);
    for (const lease of leases.items) {
      const renewed = new Date(String(lease.spec?.renewTime)).getTime();
      expect(Date.now() - renewed).toBeLessThan(60_000);
    }

    // A second `up` with nothing changed changes nothing.
    const again = await pulumi("up", "--yes", "--skip-preview");
    expect(again).toMatch(/4 unchanged/);

    const destroy = await pulumi("destroy", "--yes", "--skip-preview");
    expect(destroy).toMatch(/4 deleted/);
    // The namespace controller finalises the namespace; the provider waited for it.
    await waitFor(
      "the namespace to be gone",
      async () => {
        try {
          await core.readNamespace({ name: namespace });
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await pulumi("stack", "rm", "--yes");
  });

  it("refuses bad config before running and reports the API server's refusal, creating nothing", async () => {
    await pulumi("stack", "init", "broken", "--secrets-provider", "passphrase");
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: Error) => e.message,
      );

    // Typed config in Pulumi.yaml: a missing value stops the update before the program runs.
    expect(await failure(pulumi("up", "--yes", "--skip-preview"))).toMatch(
      /missing configuration value 'namespace'/,
    );

    // A name the API server rejects: the engine reports the server's own words.
    await pulumi("config", "set", "namespace", "Not_A_Valid_Name");
    expect(await failure(pulumi("up", "--yes", "--skip-preview"))).toMatch(
      /Invalid value: "Not_A_Valid_Name"/,
    );
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).not.toContain("Not_A_Valid_Name");
    const state = JSON.parse(await pulumi("stack", "export")) as {
      deployment: { resources?: { type: string }[] };
    };
    expect((state.deployment.resources ?? []).filter((r) => r.type.startsWith("kubernetes:core"))).toEqual(
      [],
    );
    await pulumi("destroy", "--yes", "--skip-preview");
    await pulumi("stack", "rm", "--yes");
  });
});
