import { mkdir } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { errorMessage, slugFromLocalHost } from "@dotmac/contracts";
import { type ApiCredentials, apiRequest } from "./cluster/api.ts";
import { containerEnv, type Deployment, listDeployments } from "./cluster/deployment-env.ts";
import { hostEnv, repoRoot } from "./env.ts";
import { run } from "./process.ts";
import { localSecret, localTenantAdmin } from "./services.ts";

const SELECTOR = "app.kubernetes.io/name=isp-ops,app.kubernetes.io/part-of=dotmac";

/** A tenant whose isp-ops pods are Ready on the real node, as `npm start` offers it. */
export interface TenantPodsEntry {
  readonly slug: string;
  readonly url: string;
  readonly adminEmail: string;
  readonly adminPasswordFile: string;
  /** The isp-ops Service (host:port) the proxy sends this tenant's requests to. */
  readonly upstream: string;
  /** The RADIUS Service's ClusterIP: auth on 1812/udp, accounting on 1813/udp. */
  readonly radiusHost: string | undefined;
}

/**
 * The local front door to tenants whose isp-ops and RADIUS run as pods on the real node (what an
 * ingress controller and a load balancer are in production): `http://<slug>.localhost:<port>`
 * proxies to the tenant's isp-ops Service, keeping the browser's Host, so isp-ops's own origin
 * check sees its own name. A tenant shows up once its isp-ops has a Ready pod; its first staff
 * admin is created then, with a password kept in the state dir (local only: production invites
 * the ISP's admin instead), by isp-ops's own `bootstrap-admin` command run from the checkout.
 */
export class TenantPods {
  private server?: Server;
  port = 0;
  private tenants = new Map<string, TenantPodsEntry>();
  private readonly bootstrapped = new Set<string>();

  constructor(
    private readonly opts: {
      credentials: ApiCredentials;
      stateDir: string;
      /** The local Postgres from this host (a pod's DATABASE_URL names the pod bridge's address). */
      postgres: { host: string; port: number };
      onChange?: (event: "ready" | "gone", tenant: TenantPodsEntry) => void;
      onError?: (slug: string, message: string) => void;
    },
  ) {}

  get served(): readonly TenantPodsEntry[] {
    return [...this.tenants.values()];
  }

  private get dir(): string {
    return join(this.opts.stateDir, "isp-ops");
  }

  /** On `port`, chosen by `up` before the platform starts: tenants' links name it. */
  async start(port: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.port = port;
    this.server = createServer((req, res) => {
      const slug = slugFromLocalHost(req.headers.host);
      const tenant = slug ? this.tenants.get(slug) : undefined;
      if (!tenant) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        const known = [...this.tenants.keys()];
        res.end(
          `No tenant here. Open http://<slug>.localhost:${this.port}/ for one of: ${known.join(", ") || "(none ready yet: onboard one)"}\n`,
        );
        return;
      }
      const [hostname, upstreamPort] = tenant.upstream.split(":");
      const upstream = request(
        {
          hostname,
          port: Number(upstreamPort),
          method: req.method,
          path: req.url,
          headers: { ...req.headers, "x-forwarded-proto": "http" },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        if (res.headersSent) return res.destroy();
        res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        res.end(`isp-ops of ${tenant.slug} did not answer: ${error.message}\n`);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
  }

  /** One pass: tenants with a Ready isp-ops pod are served; a suspended or deleted one is not. */
  async sync(): Promise<void> {
    const next = new Map<string, TenantPodsEntry>();
    for (const d of await listDeployments(this.opts.credentials, SELECTOR)) {
      const slug = d.metadata.labels?.["dotmac.io/tenant-slug"];
      if (!slug || (d.spec.replicas ?? 1) < 1 || (d.status?.readyReplicas ?? 0) < 1) continue;
      const upstream = await this.serviceAddress(d.metadata.namespace, "isp-ops", 3000);
      if (!upstream) continue;
      const { email: adminEmail, passwordFile: adminPasswordFile } = localTenantAdmin(
        this.opts.stateDir,
        slug,
      );
      try {
        await this.bootstrap(d, slug, adminEmail, await localSecret(adminPasswordFile));
      } catch (error) {
        this.opts.onError?.(slug, errorMessage(error));
        continue;
      }
      const radius = await this.serviceAddress(d.metadata.namespace, "radius", 1812);
      next.set(slug, {
        slug,
        url: `http://${slug}.localhost:${this.port}`,
        adminEmail,
        adminPasswordFile,
        upstream,
        radiusHost: radius?.split(":")[0],
      });
    }
    for (const [slug, t] of next) if (!this.tenants.has(slug)) this.opts.onChange?.("ready", t);
    for (const [slug, t] of this.tenants) if (!next.has(slug)) this.opts.onChange?.("gone", t);
    this.tenants = next;
  }

  private async serviceAddress(namespace: string, name: string, port: number) {
    const res = await apiRequest(
      this.opts.credentials,
      "GET",
      `/api/v1/namespaces/${namespace}/services/${name}`,
    );
    if (res.status !== 200) return undefined;
    const ip = (JSON.parse(res.body) as { spec?: { clusterIP?: string } }).spec?.clusterIP;
    return ip && ip !== "None" ? `${ip}:${port}` : undefined;
  }

  /** Once per tenant and run: the first admin, made only while the tenant has no staff. */
  private async bootstrap(d: Deployment, slug: string, email: string, password: string): Promise<void> {
    if (this.bootstrapped.has(slug)) return;
    const env = await containerEnv(this.opts.credentials, d, "isp-ops");
    if (!env?.DATABASE_URL) throw new Error("its isp-ops Deployment has no DATABASE_URL yet");
    const url = new URL(env.DATABASE_URL);
    url.hostname = this.opts.postgres.host;
    url.port = String(this.opts.postgres.port);
    await run(process.execPath, [join(repoRoot, "apps/isp-ops/bin/dotmac-isp-ops.js"), "bootstrap-admin"], {
      cwd: join(repoRoot, "apps/isp-ops"),
      env: {
        ...hostEnv,
        DATABASE_URL: url.toString(),
        TENANT_SECRETS_KEY: env.TENANT_SECRETS_KEY ?? "",
        ISP_OPS_BOOTSTRAP_ADMIN_EMAIL: email,
        ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD: password,
      },
    });
    this.bootstrapped.add(slug);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
