import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hostEnv, repoRoot } from "./env.ts";
import { freePorts } from "./ports.ts";
import { isAlive, type Service, sleep, startService } from "./process.ts";

export interface RadiusProcess {
  readonly authPort: number;
  readonly acctPort: number;
  readonly metricsPort: number;
  readonly controlPort: number;
  readonly logFile: string;
  readonly service: Service;
}

/**
 * One `dotmac-radius serve` process on free ports of 127.0.0.1 with `env` (DATABASE_URL,
 * TENANT_SECRETS_KEY, …), resolved once it answers its health check; a server that exits (a bad
 * environment) or stays unhealthy for 30 s is stopped and reported with the end of its log.
 */
export async function startRadiusProcess(
  name: string,
  env: Record<string, string | undefined>,
  logFile: string,
): Promise<RadiusProcess> {
  const [authPort, acctPort, metricsPort, controlPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const service = startService(
    name,
    process.execPath,
    [join(repoRoot, "apps/radius/bin/dotmac-radius.js"), "serve"],
    {
      logFile,
      env: {
        ...hostEnv,
        ...env,
        RADIUS_HOST: "127.0.0.1",
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_METRICS_PORT: String(metricsPort),
        RADIUS_CONTROL_PORT: String(controlPort),
      },
    },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const healthy = await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (!isAlive(service.pid) || Date.now() > deadline) {
      await service.stop();
      const log = await readFile(logFile, "utf8").catch(() => "");
      const tail = log.trim().split("\n").slice(-3).join(" / ");
      throw new Error(
        `${isAlive(service.pid) ? "not healthy in 30 s" : "it exited"}: ${tail} (log: ${logFile})`,
      );
    }
    await sleep(100);
  }
  return { authPort, acctPort, metricsPort, controlPort, logFile, service };
}
