import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "@dotmac/contracts";
import type { ApiCredentials } from "./cluster/api.ts";
import { containerEnv, listDeployments } from "./cluster/deployment-env.ts";
import type { Service } from "./process.ts";
import { startRadiusProcess } from "./radius-process.ts";

export interface LocalRadius {
  readonly slug: string;
  readonly authPort: number;
  readonly acctPort: number;
  readonly metricsPort: number;
  readonly controlPort: number;
  readonly logFile: string;
}

interface Running extends LocalRadius {
  readonly service: Service;
  readonly envHash: string;
}

/** What the stamp's RADIUS Deployments carry (components/tenant/radius.ts). */
const SELECTOR = "app.kubernetes.io/component=radius,app.kubernetes.io/part-of=dotmac";

/**
 * The local cluster's nodes are KWOK's, so no container ever runs: this plays the kubelet for the
 * tenants' RADIUS Deployments. Each Deployment with replicas > 0 gets one `dotmac-radius serve`
 * process with the Deployment's own environment (Secrets resolved as the kubelet would), on free
 * UDP ports of 127.0.0.1; a suspended (0 replicas) or deleted tenant's process is stopped, and a
 * changed environment restarts it.
 */
export class LocalRadiusRunner {
  private readonly running = new Map<string, Running>();
  /** Environments that failed to start, so a broken tenant is not retried every pass. */
  private readonly failed = new Map<string, string>();

  constructor(
    private readonly opts: {
      credentials: ApiCredentials;
      stateDir: string;
      onChange?: (event: "started" | "stopped", radius: LocalRadius) => void;
      /** A tenant whose server would not start; it is tried again when its environment changes. */
      onError?: (slug: string, message: string) => void;
    },
  ) {}

  get servers(): LocalRadius[] {
    return [...this.running.values()].map(({ service: _s, envHash: _e, ...r }) => r);
  }

  /** One pass: start what should run, stop what should not. */
  async sync(): Promise<void> {
    const wanted = new Map<string, { slug: string; env: Record<string, string> }>();
    for (const d of await listDeployments(this.opts.credentials, SELECTOR)) {
      if ((d.spec.replicas ?? 1) < 1) continue;
      const slug = d.metadata.labels?.["dotmac.io/tenant-slug"] ?? d.metadata.namespace;
      const env = await containerEnv(this.opts.credentials, d, "radius");
      if (env) wanted.set(`${d.metadata.namespace}/${d.metadata.name}`, { slug, env });
    }
    for (const [key, r] of this.running) {
      const want = wanted.get(key);
      if (!want || hashOf(want.env) !== r.envHash) await this.stop(key);
    }
    for (const [key, want] of wanted) {
      if (this.running.has(key) || this.failed.get(key) === hashOf(want.env)) continue;
      try {
        await this.start(key, want.slug, want.env);
        this.failed.delete(key);
      } catch (error) {
        this.failed.set(key, hashOf(want.env));
        this.opts.onError?.(want.slug, errorMessage(error));
      }
    }
  }

  async stopAll(): Promise<void> {
    for (const key of [...this.running.keys()]) await this.stop(key);
  }

  private async start(key: string, slug: string, env: Record<string, string>): Promise<void> {
    const dir = join(this.opts.stateDir, "radius");
    await mkdir(dir, { recursive: true });
    const { service, authPort, acctPort, metricsPort, controlPort, logFile } = await startRadiusProcess(
      `radius-${slug}`,
      env,
      join(dir, `${slug}.log`),
    );
    const radius: Running = {
      slug,
      authPort,
      acctPort,
      metricsPort,
      controlPort,
      logFile,
      service,
      envHash: hashOf(env),
    };
    this.running.set(key, radius);
    // Where each tenant's server listens, for people and scripts (`cat .dotmac/radius/<slug>.json`).
    await writeFile(
      join(dir, `${slug}.json`),
      `${JSON.stringify({ authPort, acctPort, metricsPort, controlPort }, null, 2)}\n`,
    );
    this.opts.onChange?.("started", radius);
  }

  private async stop(key: string): Promise<void> {
    const r = this.running.get(key);
    if (!r) return;
    this.running.delete(key);
    await r.service.stop();
    await rm(join(this.opts.stateDir, "radius", `${r.slug}.json`), { force: true });
    this.opts.onChange?.("stopped", r);
  }
}

const hashOf = (env: Record<string, string>) =>
  createHash("sha256")
    .update(JSON.stringify(Object.entries(env).sort()))
    .digest("hex");
