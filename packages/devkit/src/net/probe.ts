import { run } from "../process.ts";

export interface TcpTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** The network namespace a pod on the real node lives in (containerd's cni-*), found by its address. */
export async function podNetns(podIp: string): Promise<string> {
  const spaces = JSON.parse((await run("ip", ["-j", "netns", "list"])) || "[]") as { name: string }[];
  for (const { name } of spaces.filter((s) => s.name.startsWith("cni-"))) {
    const addresses = await run("ip", ["-n", name, "-4", "-o", "addr", "show"]).catch(() => "");
    if (addresses.includes(` ${podIp}/`)) return name;
  }
  throw new Error(`no network namespace holds ${podIp}`);
}

/** Runs a Node script inside a network namespace (its sockets are that namespace's); returns its output. */
function nodeIn(netns: string, script: string, ...args: string[]): Promise<string> {
  return run("ip", ["netns", "exec", netns, process.execPath, "-e", script, ...args]);
}

// Connects to every target at once; a refusal, a reset or silence for timeoutMs is "no".
const connectScript = `
const net = require("node:net");
const [targets, timeoutMs] = [JSON.parse(process.argv[1]), Number(process.argv[2])];
Promise.all(targets.map((t) => new Promise((resolve) => {
  const socket = net.connect({ host: t.host, port: t.port });
  const done = (open) => { socket.destroy(); resolve([t.name, open]); };
  socket.setTimeout(timeoutMs, () => done(false));
  socket.once("connect", () => done(true));
  socket.once("error", () => done(false));
}))).then((r) => process.stdout.write(JSON.stringify(Object.fromEntries(r))));
`;

/**
 * Opens a TCP connection from inside a network namespace (a pod's, a test host's) to each
 * target, as a process there would: the packets leave by that namespace's interface, so the
 * node's NetworkPolicy rules judge them. Answers which connections opened.
 */
export async function probeTcp(
  netns: string,
  targets: readonly TcpTarget[],
  timeoutMs = 1_500,
): Promise<Record<string, boolean>> {
  return JSON.parse(await nodeIn(netns, connectScript, JSON.stringify(targets), String(timeoutMs)));
}

// Keeps `concurrency` GETs in flight until the time is up; counts answers by status.
const loadScript = `
const [url, seconds, concurrency] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const until = Date.now() + seconds * 1000;
const statuses = {};
const worker = async () => {
  while (Date.now() < until) {
    const status = await fetch(url).then(async (r) => { await r.arrayBuffer(); return r.status; }, () => "error");
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
};
Promise.all(Array.from({ length: concurrency }, worker)).then(() => process.stdout.write(JSON.stringify(statuses)));
`;

/** HTTP load from inside a network namespace: answers the count of responses by status. */
export async function loadHttp(
  netns: string,
  url: string,
  opts: { seconds: number; concurrency: number },
): Promise<Record<string, number>> {
  return JSON.parse(await nodeIn(netns, loadScript, url, String(opts.seconds), String(opts.concurrency)));
}
