import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { freePort } from "../ports.ts";
import { startService, waitFor } from "../process.ts";
import { type Log, stderrLog } from "../progress.ts";
import { ensureGoBuild } from "../toolchain/build.ts";
import { goBuilds } from "../toolchain/tools.ts";

export interface LocalRegistry {
  /** host:port, as `dotmac-dev images push --registry` takes it (plain HTTP: --insecure). */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * distribution's registry (built from the Go module proxy) on a free port of 127.0.0.1, storing
 * in a scratch folder: a real OCI registry to publish to and pull from, as production does.
 */
export async function startLocalRegistry(env: DevkitEnv, log: Log = stderrLog): Promise<LocalRegistry> {
  const build = goBuilds.find((b) => b.name === "registry");
  if (!build) throw new Error("no registry build");
  const { binDir } = await ensureGoBuild(env, build, log);
  const dir = await mkdtemp(join(tmpdir(), "dotmac-registry-"));
  const port = await freePort();
  const config = join(dir, "config.json");
  // JSON is YAML: the registry reads it as its configuration.
  await writeFile(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: "warn" },
      storage: { filesystem: { rootdirectory: join(dir, "data") } },
      http: { addr: `127.0.0.1:${port}` },
    }),
  );
  const service = startService("registry", join(binDir, "registry"), ["serve", config], {
    logFile: join(dir, "registry.log"),
  });
  const host = `127.0.0.1:${port}`;
  await waitFor(
    `the registry on ${host}`,
    async () =>
      (await fetch(`http://${host}/v2/`).then(
        (r) => r.ok,
        () => false,
      ))
        ? true
        : undefined,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    host,
    stop: async () => {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
