import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../process.ts";
import { type Forward, forwardTcp } from "./forward.ts";

/**
 * The host as containers here see it: a bridge of ours with one address, on no outside
 * interface. Containers (and test hosts) get addresses on it in network namespaces of their own;
 * what they must reach on the host (Postgres, the API server) is offered on HOST_IP.
 */
export const POD_BRIDGE = "dotmac0";
export const HOST_IP = "10.213.0.1";
const PREFIX = 24;
/** The bridge's network: test hosts and image tests' containers. */
export const POD_BRIDGE_CIDR = `10.213.0.0/${PREFIX}`;
const leases = "/run/dotmac-net";

async function ip(...args: string[]): Promise<string> {
  return run("ip", args);
}

/** Creates the bridge once (it lasts until reboot); needs root, as every network namespace does. */
export async function ensurePodBridge(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("test hosts in network namespaces need root (ip netns)");
  if (!existsSync(`/sys/class/net/${POD_BRIDGE}`)) {
    await ip("link", "add", POD_BRIDGE, "type", "bridge").catch((error: Error) => {
      if (!existsSync(`/sys/class/net/${POD_BRIDGE}`)) {
        throw new Error(`cannot create the ${POD_BRIDGE} bridge (kernel bridge support?): ${error.message}`);
      }
    });
  }
  const addresses = await ip("-4", "-o", "addr", "show", "dev", POD_BRIDGE);
  if (!addresses.includes(`${HOST_IP}/${PREFIX}`)) {
    await ip("addr", "add", `${HOST_IP}/${PREFIX}`, "dev", POD_BRIDGE).catch(() => {});
  }
  await ip("link", "set", POD_BRIDGE, "up");
}

export interface PodHost {
  /** The namespace's name (`ip netns exec <name> …`). */
  readonly name: string;
  /** For `podman run --network ns:<path>`. */
  readonly path: string;
  readonly ip: string;
  remove(): Promise<void>;
}

/** Takes an address on the bridge that no other live namespace holds (a lease file per address). */
async function leaseAddress(): Promise<{ ip: string; release(): Promise<void> }> {
  await mkdir(leases, { recursive: true });
  for (let attempt = 0; attempt < 400; attempt++) {
    const host = 2 + Math.floor(Math.random() * 250);
    const file = join(leases, String(host));
    try {
      await (await open(file, "wx")).close();
      return { ip: `10.213.0.${host}`, release: () => rm(file, { force: true }) };
    } catch {
      // Taken: a namespace of another run holds it.
    }
  }
  throw new Error(`no free address on ${POD_BRIDGE}: remove stale leases in ${leases}`);
}

/** A network namespace with its own address on the bridge and a default route to the host. */
export async function createPodHost(prefix = "dm"): Promise<PodHost> {
  await ensurePodBridge();
  const lease = await leaseAddress();
  const id = randomBytes(3).toString("hex");
  const name = `${prefix}-${id}`;
  const hostEnd = `dmh${id}`;
  const podEnd = `dmp${id}`;
  try {
    await ip("netns", "add", name);
    await ip("link", "add", hostEnd, "type", "veth", "peer", "name", podEnd);
    await ip("link", "set", podEnd, "netns", name);
    await ip("link", "set", hostEnd, "master", POD_BRIDGE);
    await ip("link", "set", hostEnd, "up");
    await ip("-n", name, "link", "set", "lo", "up");
    await ip("-n", name, "link", "set", podEnd, "name", "eth0");
    await ip("-n", name, "addr", "add", `${lease.ip}/${PREFIX}`, "dev", "eth0");
    await ip("-n", name, "link", "set", "eth0", "up");
    await ip("-n", name, "route", "add", "default", "via", HOST_IP);
  } catch (error) {
    await ip("netns", "del", name).catch(() => {});
    await ip("link", "del", hostEnd).catch(() => {});
    await lease.release();
    throw error;
  }
  return {
    name,
    path: `/run/netns/${name}`,
    ip: lease.ip,
    remove: async () => {
      await ip("netns", "del", name).catch(() => {});
      await ip("link", "del", hostEnd).catch(() => {});
      await lease.release();
    },
  };
}

/**
 * A loopback service (Postgres, the API server) offered to the pod bridge at HOST_IP, on `port`
 * (a Service's port, say) or a free one.
 */
export async function offerToPods(target: { host: string; port: number }, port = 0): Promise<Forward> {
  await ensurePodBridge();
  return forwardTcp(HOST_IP, target, port);
}
