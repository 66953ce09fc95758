import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiCredentials } from "./cluster/api.ts";
import { containerEnv, listDeployments } from "./cluster/deployment-env.ts";
import { hostEnv, repoRoot } from "./env.ts";
import type { LocalRadius } from "./local-radius.ts";
import { freePort, isFree } from "./ports.ts";
import { type Service, startService, waitFor } from "./process.ts";
import { localSecret, localTenantAdmin } from "./services.ts";

const SELECTOR = "app.kubernetes.io/name=isp-ops,app.kubernetes.io/part-of=dotmac";

export interface LocalIspOpsTenant {
  readonly slug: string;
  readonly url: string;
  readonly adminEmail: string;
  readonly adminPasswordFile: string;
}

/**
 * One isp-ops process (Next.js in development mode) for every tenant on the local platform, by
 * host name: http://<slug>.localhost:<port>. Each tenant's environment comes from its isp-ops
 * Deployment (Secrets read, as the kubelet would); RADIUS_CONTROL_URL points at that tenant's
 * local RADIUS server; a first admin is generated per tenant and kept in the state dir.
 */
export class LocalIspOps {
  private service?: Service;
  port = 0;
  private tenants: LocalIspOpsTenant[] = [];

  constructor(
    private readonly opts: {
      credentials: ApiCredentials;
      stateDir: string;
      onChange?: (tenant: LocalIspOpsTenant) => void;
    },
  ) {}

  get dir(): string {
    return join(this.opts.stateDir, "isp-ops");
  }

  get tenantsFile(): string {
    return join(this.dir, "tenants.json");
  }

  get served(): readonly LocalIspOpsTenant[] {
    return this.tenants;
  }

  async start(port?: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.port = port ?? ((await isFree(3000)) ? 3000 : await freePort());
    const logFile = join(this.dir, "isp-ops.log");
    this.service = startService(
      "isp-ops",
      process.execPath,
      [join(repoRoot, "apps/isp-ops/bin/dotmac-isp-ops.js"), "serve"],
      {
        logFile,
        cwd: join(repoRoot, "apps/isp-ops"),
        env: {
          ...hostEnv,
          NODE_ENV: "development",
          NEXT_TELEMETRY_DISABLED: "1",
          ISP_OPS_TENANTS_FILE: this.tenantsFile,
          HOST: "127.0.0.1",
          PORT: String(this.port),
          // Tenants' metrics are their pods' business; here nobody scrapes them.
          ISP_OPS_METRICS_PORT: "0",
        },
      },
    );
    await waitFor(
      `isp-ops on port ${this.port} (log: ${logFile})`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${this.port}/`).catch(() => undefined);
        return res ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  }

  /** Rewrites the tenants file from the cluster's isp-ops Deployments (replicas > 0 only). */
  async sync(radius: readonly LocalRadius[] = []): Promise<void> {
    const entries: Record<string, unknown> = {};
    const tenants: LocalIspOpsTenant[] = [];
    for (const d of await listDeployments(this.opts.credentials, SELECTOR)) {
      if ((d.spec.replicas ?? 1) < 1) continue;
      const slug = d.metadata.labels?.["dotmac.io/tenant-slug"];
      if (!slug) continue;
      const env = await containerEnv(this.opts.credentials, d, "isp-ops");
      if (!env) continue;
      const local = radius.find((r) => r.slug === slug);
      if (local) env.RADIUS_CONTROL_URL = `http://127.0.0.1:${local.controlPort}`;
      else delete env.RADIUS_CONTROL_URL;
      const { email: adminEmail, passwordFile: adminPasswordFile } = localTenantAdmin(
        this.opts.stateDir,
        slug,
      );
      entries[slug] = {
        slug,
        env,
        admin: { email: adminEmail, password: await localSecret(adminPasswordFile) },
      };
      tenants.push({ slug, url: `http://${slug}.localhost:${this.port}`, adminEmail, adminPasswordFile });
    }
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.tenantsFile}.tmp`;
    // Database URLs and secrets keys: readable by this user only, like the rest of .dotmac.
    await writeFile(tmp, JSON.stringify(entries, null, 2), { mode: 0o600 });
    await rename(tmp, this.tenantsFile);
    for (const t of tenants) if (!this.tenants.some((x) => x.slug === t.slug)) this.opts.onChange?.(t);
    this.tenants = tenants;
  }

  async stop(): Promise<void> {
    await this.service?.stop();
  }
}
