/**
 * What the API adds to an onboarding: the wall time from POST /tenants to the operation's
 * success, against a bare `pulumi up` (with its preview and the policy pack, as the API runs it)
 * of the same stamp on the same machine. Target: overhead <= 2 s. Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@dotmac/devkit";
import { objectConfig, scratchProject, uniqueSuffix } from "@dotmac/devkit/testing";
import { signIn, startLiveEnvironment } from "../test/live.ts";

const live = await startLiveEnvironment({ nodes: 2, quiet: true });
const api = await live.startReplica({ LOG_LEVEL: "error" });
const headers = await signIn(api.url);
const project = await scratchProject(live.platform, { prefix: "bench-onboarding" });
const pgUrl = live.platform.postgres?.url ?? "";

async function bareUp(slug: string): Promise<number> {
  const stack = `tenant-${slug}`;
  const spec = {
    slug,
    tenantId: crypto.randomUUID(),
    displayName: `Bench ${slug}`,
    plan: "starter",
    seats: 5,
  };
  await project.pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
  await project.pulumi("config", "set-all", "-s", stack, "--json", objectConfig("dotmac:tenant", spec));
  await project.pulumi("config", "set", "-s", stack, "radiusServiceType", "ClusterIP");
  await project.pulumi("config", "set", "-s", stack, "--secret", "postgresAdminUrl", pgUrl);
  const started = performance.now();
  await project.pulumi("up", "--yes", "-s", stack, "--policy-pack", join(repoRoot, "components/policy"));
  return performance.now() - started;
}

async function apiOnboarding(slug: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${api.url}/api/platform/v1/tenants`, {
    method: "POST",
    headers,
    body: JSON.stringify({ slug, displayName: `Bench ${slug}`, plan: "starter", seats: 5 }),
  });
  const { operationId } = (await res.json()) as { operationId: string };
  for (;;) {
    const op = (await (
      await fetch(`${api.url}/api/platform/v1/operations/${operationId}`, { headers })
    ).json()) as {
      status: string;
      error: string | null;
    };
    if (op.status === "succeeded") return performance.now() - started;
    if (op.status === "failed" || op.status === "cancelled")
      throw new Error(`onboarding ${op.status}: ${op.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rows: string[][] = [];
try {
  await bareUp(`warm-${uniqueSuffix()}`); // plugins and caches warm for both paths
  for (let i = 1; i <= 3; i++) {
    const bare = await bareUp(`bare-${i}-${uniqueSuffix()}`);
    const viaApi = await apiOnboarding(`api-${i}-${uniqueSuffix()}`);
    rows.push([
      String(i),
      (bare / 1000).toFixed(1),
      (viaApi / 1000).toFixed(1),
      ((viaApi - bare) / 1000).toFixed(1),
    ]);
  }
} finally {
  await api.stop();
  await project.remove();
  await live.stop();
}
const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
console.log(
  `\nOnboarding one starter tenant: bare pulumi up vs the API path (${machine}; target overhead <= 2 s)`,
);
console.log(
  "| run | bare `pulumi up` s | POST /tenants -> succeeded s | overhead s |\n| ---: | ---: | ---: | ---: |",
);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
