import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCluster, startCluster } from "../src/cluster/cluster.ts";
import { NODE_NAME, REAL_NODE_SELECTOR } from "../src/cluster/node-config.ts";
import { devkitEnv } from "../src/env.ts";
import { buildImages } from "../src/images/app-images.ts";
import { isAlive, run, waitFor } from "../src/process.ts";
import { ensureToolchain, type Toolchain } from "../src/toolchain/toolchain.ts";

const NS = "node-proof";
const IMAGE = "registry.dotmac.io/dotmac/radius:1.0.0";

/** A pod as the stamps run ours: non-root, read-only, no capabilities, probed by the kubelet. */
function web(name: string, labels: Record<string, string>): k8s.V1Pod {
  return {
    metadata: { name, namespace: NS, labels },
    spec: {
      nodeSelector: { ...REAL_NODE_SELECTOR },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "web",
          image: IMAGE,
          imagePullPolicy: "IfNotPresent",
          command: ["node", "-e", `require("http").createServer((q, s) => s.end("${name}")).listen(8080)`],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 1 },
          securityContext: {
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          },
        },
      ],
    },
  };
}

/**
 * The local cluster's real node: a kubelet with containerd and runc registers, runs our image as a
 * real pod behind its readiness probe, Service names resolve through CoreDNS, NetworkPolicies are
 * enforced on real packets, metrics-server reports the pod's usage, and stopping leaves nothing.
 */
describe("the local cluster's real node", () => {
  let toolchain: Toolchain;
  let cluster: LocalCluster;
  let dir: string;
  let core: k8s.CoreV1Api;
  let net: k8s.NetworkingV1Api;
  let custom: k8s.CustomObjectsApi;
  const kubectl = (...args: string[]) =>
    run(join(toolchain.kubernetesBinDir, "kubectl"), ["--kubeconfig", cluster.kubeconfig, "-n", NS, ...args]);
  /** An HTTP GET from inside a pod (the image has node, not curl). */
  const fetchFrom = (pod: string, url: string) =>
    kubectl(
      "exec",
      pod,
      "--",
      "node",
      "-e",
      `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then(r => r.text()).then(t => console.log(t), () => console.log("unreachable"))`,
    ).then((out) => out.trim());

  let namespacesBefore: string[] = [];

  beforeAll(async () => {
    namespacesBefore = (await run("ip", ["netns", "list"])).split("\n").map((l) => l.split(" ")[0] ?? "");
    const env = devkitEnv();
    toolchain = await ensureToolchain(env);
    const [radius] = await buildImages(env, { apps: ["radius"] });
    dir = await mkdtemp(join(tmpdir(), "dotmac-node-"));
    cluster = await startCluster({
      dir,
      toolchain,
      realNode: true,
      appImages: radius ? [radius.archive] : [],
    });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    net = kc.makeApiClient(k8s.NetworkingV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const name of ["server", "client"]) {
      await core.createNamespacedPod({ namespace: NS, body: web(name, { role: name }) });
    }
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: "server" },
        spec: { selector: { role: "server" }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
  }, 60 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("registers a real node that runs our image as a pod, Ready by its probe", async () => {
    const node = await core.readNode({ name: NODE_NAME });
    expect(node.status?.nodeInfo?.kubeletVersion).toBe("v1.36.3");
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    await kubectl("wait", "--for=condition=Ready", "pod/server", "pod/client", "--timeout=90s");
    const pod = await core.readNamespacedPod({ name: "server", namespace: NS });
    expect(pod.spec?.nodeName).toBe(NODE_NAME);
    expect(await (await fetch(`http://${pod.status?.podIP}:8080/`)).text()).toBe("server");
  });

  it("resolves Service names through CoreDNS and reaches the Service from another pod", async () => {
    // kube-proxy programs a Service's endpoint a moment after the pod turns Ready.
    const answered = (url: string) =>
      waitFor(`${url} from the client pod`, async () =>
        (await fetchFrom("client", url)) === "server" ? true : undefined,
      );
    await answered(`http://server.${NS}.svc.cluster.local/`);
    // The pod's search path (written by the kubelet) resolves the short name too.
    await answered("http://server/");
  });

  it("enforces NetworkPolicies on real packets: denied, then allowed for the client alone", async () => {
    await net.createNamespacedNetworkPolicy({
      namespace: NS,
      body: { metadata: { name: "deny-all" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    });
    await waitFor("the deny to take effect", async () =>
      (await fetchFrom("client", "http://server/")) === "unreachable" ? true : undefined,
    );
    await net.createNamespacedNetworkPolicy({
      namespace: NS,
      body: {
        metadata: { name: "allow-client" },
        spec: {
          podSelector: { matchLabels: { role: "server" } },
          policyTypes: ["Ingress"],
          ingress: [
            { _from: [{ podSelector: { matchLabels: { role: "client" } } }], ports: [{ port: 8080 }] },
          ],
        },
      },
    });
    await waitFor("the allow to take effect", async () =>
      (await fetchFrom("client", "http://server/")) === "server" ? true : undefined,
    );
    // The server may not reach the client: nothing allows it.
    expect(
      await fetchFrom(
        "server",
        `http://${(await core.readNamespacedPod({ name: "client", namespace: NS })).status?.podIP}:8080/`,
      ),
    ).toBe("unreachable");
  });

  it("reports the pod's CPU and memory through metrics-server", async () => {
    const usage = await waitFor(
      "pod metrics",
      async () => {
        const m = (await custom
          .getNamespacedCustomObject({
            group: "metrics.k8s.io",
            version: "v1beta1",
            namespace: NS,
            plural: "pods",
            name: "server",
          })
          .catch(() => undefined)) as { containers?: { usage: { memory: string } }[] } | undefined;
        return m?.containers?.[0]?.usage;
      },
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    expect(usage.memory).toMatch(/^\d+Ki$/);
  });

  it("leaves no process, rule or lock behind when it stops", async () => {
    const pids = cluster.node?.state().pids ?? {};
    await cluster.stop();
    for (const [name, pid] of Object.entries(pids)) expect(isAlive(pid), name).toBe(false);
    expect(await run("pgrep", ["-f", "containerd-shim"], {}).catch(() => "")).toBe("");
    const rules = await run("iptables-save", []);
    expect(rules).not.toMatch(/KUBE-SERVICES|KUBE-ROUTER-FORWARD -m comment/);
    expect(await readFile("/run/dotmac-node.json", "utf8").catch(() => "gone")).toBe("gone");
    // The pods' network namespaces went with their bridge.
    const spaces = (await run("ip", ["netns", "list"])).split("\n").map((l) => l.split(" ")[0]);
    expect(spaces.filter((n) => n?.startsWith("cni-") && !namespacesBefore.includes(n))).toEqual([]);
  });
});
