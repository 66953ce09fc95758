import { existsSync } from "node:fs";
import { hostEnv, pathDirs } from "./env.ts";
import { run } from "./process.ts";
import { type Log, stderrLog, step } from "./progress.ts";

/** A program the local environment runs, and the Debian package that provides it. */
export interface SystemTool {
  readonly command: string;
  readonly debianPackage: string;
  /** A file that shows the package is there, when it is not a command on PATH (a plugin, a daemon). */
  readonly file?: string;
}

/**
 * openssl issues the local cluster's certificates; radclient is the RADIUS tests' peer; FreeRADIUS
 * with its PostgreSQL driver runs against the compatibility views (test and benchmark); Chromium
 * runs the web apps' end-to-end tests; iptables makes faults for the RADIUS tests.
 */
export const systemTools: readonly SystemTool[] = [
  { command: "openssl", debianPackage: "openssl" },
  { command: "radclient", debianPackage: "freeradius-utils" },
  { command: "freeradius", debianPackage: "freeradius", file: "/usr/sbin/freeradius" },
  {
    command: "rlm_sql_postgresql",
    debianPackage: "freeradius-postgresql",
    file: "/usr/lib/freeradius/rlm_sql_postgresql.so",
  },
  // The web apps' end-to-end tests drive Debian's Chromium through playwright-core.
  { command: "chromium", debianPackage: "chromium" },
  // The RADIUS fault tests make the host refuse a reply, as a firewall would.
  { command: "iptables", debianPackage: "iptables" },
  // The invoice PDF test reads its text back and renders a page, as a reader would.
  { command: "pdftotext", debianPackage: "poppler-utils" },
];

const onPath = (command: string) => pathDirs().some((dir) => dir && existsSync(`${dir}/${command}`));

/**
 * Installs missing tools with apt-get when we are root on Debian (a fresh CI machine); anywhere
 * else says exactly what to install.
 */
export async function ensureSystemTools(
  tools: readonly SystemTool[] = systemTools,
  log: Log = stderrLog,
): Promise<void> {
  const missing = tools.filter((t) => (t.file ? !existsSync(t.file) : !onPath(t.command)));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  if (process.getuid?.() !== 0 || !onPath("apt-get")) {
    throw new Error(
      `missing ${missing.map((t) => t.command).join(", ")}: install the Debian package(s) ${packages.join(" ")}`,
    );
  }
  const env = { ...hostEnv, DEBIAN_FRONTEND: "noninteractive" };
  await step(
    `apt-get install ${packages.join(" ")}`,
    async () => {
      await run("apt-get", ["update", "-qq"], { env });
      await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], { env });
    },
    log,
  );
}
