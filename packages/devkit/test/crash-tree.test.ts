import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { crashTree } from "../src/testing.ts";

/** Running, as opposed to gone or a zombie (dead, waiting for a parent that may be slow to reap). */
const running = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
};

describe("crashTree", () => {
  const started: number[] = [];
  afterEach(async () => {
    for (const pid of started.splice(0)) if (await running(pid)) process.kill(pid, "SIGKILL");
  });

  it("kills a process and all it started, grandchildren in their own session and group included", async () => {
    // A parent whose grandchild escapes its process group (setsid), as Pulumi's plugins do.
    const parent = spawn("sh", ["-c", "setsid sh -c 'sleep 300 & echo $! ; wait' & sleep 300"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const grandchild = await new Promise<number>((resolve) =>
      parent.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))),
    );
    const pid = parent.pid ?? 0;
    started.push(pid, grandchild);
    const stat = await readFile(`/proc/${grandchild}/stat`, "utf8");
    const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    expect(pgid).not.toBe(pid);

    const exited = new Promise((resolve) => parent.once("exit", resolve));
    await crashTree(pid);
    await exited;
    for (let i = 0; i < 50 && (await running(grandchild)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await running(grandchild)).toBe(false);
  });

  it("does nothing to a process that is already gone, and refuses to signal a whole group", async () => {
    const done = spawn("true");
    await new Promise((resolve) => done.once("exit", resolve));
    await expect(crashTree(done.pid ?? -1)).resolves.toBeUndefined();
    await expect(crashTree(0)).rejects.toThrow(/not a process id/);
    await expect(crashTree(-1)).rejects.toThrow(/not a process id/);
  });
});
