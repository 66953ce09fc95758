import { join } from "node:path";
import { errorMessage } from "@dotmac/contracts";
import type { LocalCluster } from "./cluster/cluster.ts";
import type { DevkitEnv } from "./env.ts";
import { LocalIspOps, type LocalIspOpsTenant } from "./local-isp-ops.ts";
import { type LocalRadius, LocalRadiusRunner } from "./local-radius.ts";
import { stdoutLog as out, step } from "./progress.ts";
import { TenantPods, type TenantPodsEntry } from "./tenant-pods.ts";

/** How `up` runs the tenants it finds: as pods on the real node, or as host processes without one. */
export interface Tenants {
  sync(): Promise<void>;
  describe(): string[];
  stop(): Promise<void>;
}

/** Tenants as pods on the real node, behind one local front door. */
export async function podTenants(
  cluster: LocalCluster,
  env: DevkitEnv,
  pg: { host: string; port: number },
  port: number,
  ready: () => boolean,
): Promise<Tenants> {
  const describe = (t: TenantPodsEntry) => [
    `${t.slug}: ${t.url}  (sign in as ${t.adminEmail}, password in ${t.adminPasswordFile}; local only)`,
    ...(t.radiusHost
      ? [`${" ".repeat(t.slug.length)}  RADIUS ${t.radiusHost} auth 1812/udp, acct 1813/udp`]
      : []),
  ];
  const errors = new Map<string, string>();
  const pods = new TenantPods({
    credentials: cluster.credentials,
    stateDir: env.stateDir,
    postgres: pg,
    onChange: (event, t) => {
      if (!ready()) return;
      if (event === "ready") for (const line of describe(t)) out(`tenant ready: ${line}`);
      else out(`tenant ${t.slug}: no Ready isp-ops pod any more (suspended or deleted)`);
    },
    onError: (slug, text) => {
      if (errors.get(slug) !== text) out(`tenant ${slug}: ${text}`);
      errors.set(slug, text);
    },
  });
  await step("tenants' front door (http://<slug>.localhost)", () => pods.start(port));
  return {
    sync: () => pods.sync().catch((error) => out(`tenants: ${errorMessage(error)}`)),
    describe: () => [
      `  isp-ops         http://<slug>.localhost:${pods.port}  (each tenant's isp-ops Service, pods on the real node)`,
      ...pods.served.flatMap((t) => describe(t).map((l) => `                  ${l}`)),
    ],
    stop: () => pods.stop(),
  };
}

/** The fallback without a real node: host processes play the kubelet for tenants' Deployments. */
export async function hostProcessTenants(
  cluster: LocalCluster,
  env: DevkitEnv,
  port: number,
  ready: () => boolean,
): Promise<Tenants> {
  const describeRadius = (r: LocalRadius) =>
    `${r.slug}: auth 127.0.0.1:${r.authPort}/udp, acct ${r.acctPort}/udp, metrics http://127.0.0.1:${r.metricsPort}/metrics`;
  const describeTenant = (t: LocalIspOpsTenant) =>
    `${t.slug}: ${t.url}  (sign in as ${t.adminEmail}, password in ${t.adminPasswordFile})`;
  const radius = new LocalRadiusRunner({
    credentials: cluster.credentials,
    stateDir: env.stateDir,
    onChange: (event, r) => {
      if (ready())
        out(`RADIUS (host process) ${event} for ${event === "started" ? describeRadius(r) : r.slug}`);
    },
    onError: (slug, text) => out(`RADIUS for ${slug} did not start: ${text}`),
  });
  const ispOps = new LocalIspOps({
    credentials: cluster.credentials,
    stateDir: env.stateDir,
    onChange: (t) => {
      if (ready()) out(`isp-ops (host process) ready for ${describeTenant(t)}`);
    },
  });
  await step("isp-ops as a host process (development mode, every tenant by host name)", () =>
    ispOps.start(port),
  );
  let syncError = "";
  return {
    sync: async () => {
      try {
        await radius.sync();
        await ispOps.sync(radius.servers);
        syncError = "";
      } catch (error) {
        if (errorMessage(error) !== syncError) out(`tenants: ${errorMessage(error)}`);
        syncError = errorMessage(error);
      }
    },
    describe: () => [
      `  isp-ops         http://<slug>.localhost:${ispOps.port}  (host process, not pods: see FALLBACK below)`,
      ...ispOps.served.map((t) => `                  ${describeTenant(t)}`),
      `  RADIUS          host processes on 127.0.0.1, ports in ${join(env.stateDir, "radius")}/<slug>.json`,
      ...radius.servers.map((r) => `                  ${describeRadius(r)}`),
    ],
    stop: async () => {
      await radius.stopAll();
      await ispOps.stop();
    },
  };
}
