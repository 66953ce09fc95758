import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isAlive, run, stopPid, waitFor } from "../process.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { ctr } from "./node-images.ts";
import { type NodeState, releaseNode } from "./node-lock.ts";

/** Stops every pod container containerd runs (the kubelet does not when it stops). */
async function killPods(socket: string): Promise<void> {
  const tasks = await ctr(socket, "tasks", "ls", "-q").catch(() => "");
  for (const id of tasks.split("\n").filter(Boolean)) {
    await ctr(socket, "tasks", "kill", "--signal", "SIGKILL", id).catch(() => {});
  }
  await waitFor(
    "pod containers to stop",
    async () => ((await ctr(socket, "tasks", "ls", "-q").catch(() => "")).trim() === "" ? true : undefined),
    { timeoutMs: 15_000, intervalMs: 200 },
  ).catch(() => {});
}

/** Unmounts what the kubelet and containerd left mounted under the node's folders. */
async function unmountUnder(...dirs: string[]): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => dirs.some((d) => m.startsWith(d)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run("umount", ["-l", m]).catch(() => {});
}

/**
 * Deletes the pods' network namespaces: the kubelet stops before it could tear its sandboxes down,
 * so their namespaces (containerd's /run/netns/cni-*) stay mounted. Ours are the ones whose veth
 * hangs on our cni0 bridge.
 */
async function removePodNetworkNamespaces(): Promise<void> {
  const links = JSON.parse(await run("ip", ["-j", "link", "show", "master", "cni0"]).catch(() => "[]")) as {
    link_netnsid?: number;
  }[];
  const ids = new Set(links.map((l) => l.link_netnsid).filter((id) => id !== undefined));
  const spaces = JSON.parse((await run("ip", ["-j", "netns", "list"]).catch(() => "")) || "[]") as {
    name: string;
    id?: number;
  }[];
  for (const ns of spaces) {
    if (ns.id !== undefined && ids.has(ns.id)) await run("ip", ["netns", "del", ns.name]).catch(() => {});
  }
}

/**
 * Tears down what a node left, running or not: its pods, its processes, the rules its proxy and
 * policy agent wrote, its mounts. `dotmac-dev cluster down` and a test's cleanup both end here.
 */
export async function teardownNode(
  state: NodeState,
  toolchain: Pick<Toolchain, "kubernetesBinDir" | "nodeBinaries"> | undefined,
): Promise<void> {
  for (const name of ["kubelet", "kube-proxy", "dotmac-netpol"]) {
    const pid = state.pids[name];
    if (pid !== undefined) await stopPid(pid, 5_000);
  }
  if (state.pids.containerd !== undefined && isAlive(state.pids.containerd))
    await killPods(state.containerdSocket);
  if (state.pids.containerd !== undefined) await stopPid(state.pids.containerd, 5_000);
  // containerd's shims outlive it. Asked to stop, then killed: one still reaping its pod must not
  // outlive the node.
  const shims = `containerd-shim.*${state.containerdSocket.replace(/\/containerd\.sock$/, "")}`;
  for (const signal of ["TERM", "KILL"]) {
    await run("pkill", [`-${signal}`, "-f", shims]).catch(() => {});
    const gone = await waitFor(
      "the pods' shims to exit",
      async () => ((await run("pgrep", ["-f", shims]).catch(() => "")).trim() === "" ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 100 },
    ).catch(() => false);
    if (gone) break;
  }
  if (toolchain) {
    await run(join(toolchain.kubernetesBinDir, "kube-proxy"), ["--cleanup"]).catch(() => {});
    await run(toolchain.nodeBinaries["dotmac-netpol"], ["--cleanup"]).catch(() => {});
  }
  await unmountUnder(state.dir, state.containerdSocket.replace(/\/containerd\.sock$/, ""));
  await removePodNetworkNamespaces();
  await run("ip", ["link", "del", "cni0"]).catch(() => {});
  await releaseNode(state);
}
