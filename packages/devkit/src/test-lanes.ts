import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { hostEnv, repoRoot } from "./env.ts";

/**
 * The vitest projects of vitest.config.ts, run side by side, one vitest process each. Vitest itself
 * puts every project that runs one file at a time into a single sequential group, so two
 * one-file-at-a-time lanes need two processes.
 */
export const testLanes = ["host", "isolated"] as const;

function runLane(lane: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, "node_modules/vitest/vitest.mjs"), "run", "--project", lane, ...args],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...hostEnv, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }) },
      },
    );
    // Whole lines with the lane's name in front, so the two reports can be told apart.
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      createInterface({ input: from }).on("line", (line) => to.write(`[${lane}] ${line}\n`));
    }
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs every lane to its end (one failing does not stop the other); the exit code of the worst. */
export async function runTestLanes(args: readonly string[]): Promise<number> {
  // A filter may match files of one lane only; the other then has nothing to run, which is fine.
  const laneArgs = args.length > 0 ? ["--passWithNoTests", ...args] : [];
  const codes = await Promise.all(testLanes.map((lane) => runLane(lane, laneArgs)));
  return Math.max(...codes);
}
