import { existsSync } from "node:fs";
import { run } from "./process.ts";
import { type Log, stderrLog, step } from "./progress.ts";

/** A program the local environment runs, and the Debian package that provides it. */
export interface SystemTool {
  readonly command: string;
  readonly debianPackage: string;
}

/** openssl issues the local cluster's certificates; radclient is the RADIUS tests' peer. */
export const systemTools: readonly SystemTool[] = [
  { command: "openssl", debianPackage: "openssl" },
  { command: "radclient", debianPackage: "freeradius-utils" },
];

const onPath = (command: string) =>
  (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(`${dir}/${command}`));

/**
 * Installs missing tools with apt-get when we are root on Debian (a fresh CI machine); anywhere
 * else says exactly what to install.
 */
export async function ensureSystemTools(
  tools: readonly SystemTool[] = systemTools,
  log: Log = stderrLog,
): Promise<void> {
  const missing = tools.filter((t) => !onPath(t.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  if (process.getuid?.() !== 0 || !onPath("apt-get")) {
    throw new Error(
      `missing ${missing.map((t) => t.command).join(", ")}: install the Debian package(s) ${packages.join(" ")}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await step(
    `apt-get install ${packages.join(" ")}`,
    async () => {
      await run("apt-get", ["update", "-qq"], { env });
      await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], { env });
    },
    log,
  );
}
