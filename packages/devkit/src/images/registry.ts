import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { freePort } from "../ports.ts";
import type { Log } from "../progress.ts";
import { answers, startBuiltService } from "../toolchain/built-service.ts";

export interface LocalRegistry {
  /** host:port, as `dotmac-dev images push --registry` takes it (plain HTTP: --insecure). */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * distribution's registry (built from the Go module proxy) on a free port of 127.0.0.1, storing
 * in a scratch folder: a real OCI registry to publish to and pull from, as production does.
 */
export async function startLocalRegistry(env: DevkitEnv, log?: Log): Promise<LocalRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const service = await startBuiltService(env, "registry", {
    args: (dir) => {
      const config = join(dir, "config.json");
      // JSON is YAML: the registry reads it as its configuration.
      writeFileSync(
        config,
        JSON.stringify({
          version: 0.1,
          log: { level: "warn" },
          storage: { filesystem: { rootdirectory: join(dir, "data") } },
          http: { addr: host },
        }),
      );
      return ["serve", config];
    },
    ready: () => answers(`http://${host}/v2/`),
    ...(log ? { log } : {}),
  });
  return { host, stop: () => service.stop() };
}
