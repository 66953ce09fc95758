import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { hostEnv } from "./env.ts";

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${code}: ${stderr.trim().split("\n").slice(-20).join("\n")}`);
  }
}

/** Runs a command to completion and returns its stdout; a non-zero exit throws with stderr. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? hostEnv, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    // A command that exits before reading its input must not crash us with EPIPE.
    child.stdin.on("error", () => {});
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new CommandError([cmd, ...args].join(" "), code, stdout, stderr));
    });
    child.stdin.end(opts.input ?? "");
  });
}

export interface Service {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited (SIGTERM, then SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceOptions {
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Detached services outlive this process (`dotmac-dev cluster up`); attached ones die with it. */
  readonly detached?: boolean;
}

/** Attached services still running; they must not outlive us, even when we die abruptly. */
const attached = new Set<number>();
let exitHookInstalled = false;

function killAttachedOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of attached) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/** Starts a long-running process with its output appended to a log file. */
export function startService(
  name: string,
  cmd: string,
  args: readonly string[],
  opts: ServiceOptions,
): Service {
  const out = openSync(opts.logFile, "a");
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? hostEnv,
    stdio: ["ignore", out, out],
    detached: opts.detached ?? false,
  });
  if (opts.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start (${cmd})`);
  if (!opts.detached) {
    attached.add(pid);
    child.once("exit", () => attached.delete(pid));
    killAttachedOnExit();
  }
  return { name, pid, logFile: opts.logFile, stop: (graceMs) => stopPid(pid, graceMs) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  while (isAlive(pid)) await sleep(20);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls check until it returns a value other than undefined, or fails with the last error. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

/** The parent of every process now running, read from /proc (Linux). */
async function parents(): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) byPid.set(Number(entry), ppid);
  }
  return byPid;
}

/**
 * The live processes whose environment holds `entry` (`NAME=value`): a variable a test gives a
 * process is inherited by everything it starts, so this finds them even once re-parented.
 */
export async function processesCarrying(entry: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
    if (!environ.split("\0").includes(entry)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    found.push({ pid: Number(pid), command: cmdline.replaceAll("\0", " ").trim() });
  }
  return found;
}

/**
 * Kills `pid` and everything it started, at once, as a failed node or a killed container does.
 * The tree is frozen (SIGSTOP) while it is collected, so nothing in it forks, exits or is
 * reparented meanwhile; then all of it gets SIGKILL. A process-group kill is not enough: Pulumi
 * starts each plugin in a group of its own.
 */
export async function crashTree(pid: number): Promise<void> {
  // kill(0) and kill(-n) signal whole process groups, ours included.
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`crashTree: ${pid} is not a process id`);
  const frozen = new Set<number>();
  const freeze = (p: number) => {
    try {
      process.kill(p, "SIGSTOP");
      frozen.add(p);
    } catch {
      // Already gone.
    }
  };
  freeze(pid);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of await parents()) {
      if (frozen.has(parent) && !frozen.has(child)) {
        freeze(child);
        grew = true;
      }
    }
  }
  for (const p of frozen) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
