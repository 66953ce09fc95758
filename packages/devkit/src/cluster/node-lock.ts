import { readFile, rm, writeFile } from "node:fs/promises";
import { isAlive } from "../process.ts";

/** One real node per machine: two would fight over cni0, the iptables chains and the cgroups. */
const LOCK = "/run/dotmac-node.json";

export interface NodeState {
  readonly dir: string;
  readonly containerdSocket: string;
  readonly pids: Record<string, number>;
}

/** Refuses to start a second real node on this machine while another one's processes live. */
export async function claimMachine(dir: string): Promise<void> {
  const holder = JSON.parse(await readFile(LOCK, "utf8").catch(() => "null")) as NodeState | null;
  if (holder && holder.dir !== dir && Object.values(holder.pids).some(isAlive)) {
    throw new Error(
      `another local cluster runs this machine's real node (${holder.dir}); one node per machine: ` +
        `stop that one first (dotmac-dev cluster down there), or start this cluster with KWOK nodes only`,
    );
  }
}

/** Records the node as this machine's, with its processes, for `cluster down` from another process. */
export async function recordNode(state: NodeState): Promise<void> {
  await writeFile(LOCK, JSON.stringify(state));
}

/** Gives the machine back, if this node still holds it. */
export async function releaseNode(state: NodeState): Promise<void> {
  const holder = JSON.parse(await readFile(LOCK, "utf8").catch(() => "null")) as NodeState | null;
  if (holder?.dir === state.dir) await rm(LOCK, { force: true });
}
