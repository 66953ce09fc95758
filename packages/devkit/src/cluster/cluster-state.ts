import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isAlive, stopPid } from "../process.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { apiReady } from "./api.ts";
import type { ClusterPorts } from "./control-plane-flags.ts";
import type { NodeState } from "./node-lock.ts";
import { teardownNode } from "./node-teardown.ts";

/** What `cluster up` leaves behind so `status` and `down` can find the processes later. */
export interface ClusterState {
  readonly server: string;
  readonly kubeconfig: string;
  readonly ports: ClusterPorts;
  readonly pids: Record<string, number>;
  /** The real node's processes and folders, when the cluster has one. */
  readonly node?: NodeState;
  readonly startedAt: string;
}

const stateFile = (dir: string) => join(dir, "cluster.json");

export async function readClusterState(dir: string): Promise<ClusterState | undefined> {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(await readFile(stateFile(dir), "utf8")) as ClusterState;
}

export async function writeClusterState(dir: string, state: ClusterState): Promise<void> {
  await writeFile(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Stops the processes a detached `cluster up` left running; keeps the data for next time. */
export async function stopClusterFromState(
  dir: string,
  toolchain?: Pick<Toolchain, "kubernetesBinDir" | "nodeBinaries">,
): Promise<boolean> {
  const state = await readClusterState(dir);
  if (!state) return false;
  if (state.node) await teardownNode(state.node, toolchain);
  const order = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];
  let stopped = false;
  for (const name of order) {
    const pid = state.pids[name];
    if (pid !== undefined && isAlive(pid)) {
      await stopPid(pid);
      stopped = true;
    }
  }
  return stopped;
}

export interface ClusterStatus {
  readonly state: ClusterState | undefined;
  readonly processes: Record<string, boolean>;
  readonly ready: boolean;
}

export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const state = await readClusterState(dir);
  if (!state) return { state, processes: {}, ready: false };
  const processes = Object.fromEntries(
    Object.entries({ ...state.pids, ...state.node?.pids }).map(([name, pid]) => [name, isAlive(pid)]),
  );
  const pki = join(dir, "pki");
  const ready = await apiReady({
    server: state.server,
    caCert: join(pki, "ca.crt"),
    clientCert: join(pki, "admin.crt"),
    clientKey: join(pki, "admin.key"),
  }).catch(() => undefined);
  return { state, processes, ready: ready === true };
}
