import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { startService, waitFor } from "../process.ts";
import { type Log, stderrLog } from "../progress.ts";
import { ensureGoBuild } from "./build.ts";
import { goBuilds } from "./tools.ts";

export interface BuiltService {
  /** Where it keeps its files and its log. */
  readonly dir: string;
  /** Stops it, and removes its folder unless it was given one to keep. */
  stop(): Promise<void>;
}

/**
 * One of our Go builds (the registry, Mailpit, stripe-mock) as a service of the tests or the local
 * platform: built when the cache lacks it, started with `args(dir)`, resolved once `ready` says so
 * (30 s at most). Its files go to `keep` when given, else to a scratch folder removed at stop.
 */
export async function startBuiltService(
  env: DevkitEnv,
  name: string,
  opts: { args: (dir: string) => string[]; ready: () => Promise<boolean>; keep?: string; log?: Log },
): Promise<BuiltService> {
  const build = goBuilds.find((b) => b.name === name);
  if (!build?.binaries[0]) throw new Error(`no ${name} build`);
  const { binDir } = await ensureGoBuild(env, build, opts.log ?? stderrLog);
  const dir = opts.keep ?? (await mkdtemp(join(tmpdir(), `dotmac-${name}-`)));
  await mkdir(dir, { recursive: true });
  const service = startService(name, join(binDir, build.binaries[0]), opts.args(dir), {
    logFile: join(dir, `${name}.log`),
  });
  await waitFor(
    `${name} (log: ${join(dir, `${name}.log`)})`,
    async () => ((await opts.ready()) ? true : undefined),
    {
      timeoutMs: 30_000,
      intervalMs: 100,
    },
  );
  return {
    dir,
    stop: async () => {
      await service.stop();
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a GET of `url` answers 2xx (false while nothing listens). */
export const answers = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers }).then(
    (r) => r.ok,
    () => false,
  );
