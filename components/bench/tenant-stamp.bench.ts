/**
 * Time to stamp tenants on the local platform with the real engine: one full TenantStamp, and
 * ten of them with 1, 2 and 4 stacks deployed at once. Target: one stamp in 30 s or less (the
 * seed quotes 5-10 minutes per onboarding). Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { objectConfig, scratchProject, startLocalPlatform, uniqueSuffix } from "@dotmac/devkit/testing";

const quiet = () => {};
const platform = await startLocalPlatform({ postgres: true, nodes: 4, log: quiet });
const pgUrl = platform.postgres?.url ?? "";
const project = await scratchProject(platform, { prefix: "bench-stamps" });
const pulumi = (...args: string[]) => project.pulumi(...args);

async function createStack(slug: string): Promise<string> {
  const stack = `tenant-${slug}`;
  const tenant = {
    slug,
    tenantId: crypto.randomUUID(),
    displayName: `Bench ${slug}`,
    plan: "professional",
    seats: 10,
  };
  await pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
  await pulumi("config", "set-all", "-s", stack, "--json", objectConfig("dotmac:tenant", tenant));
  await pulumi("config", "set", "-s", stack, "radiusServiceType", "ClusterIP");
  await pulumi("config", "set", "-s", stack, "--secret", "postgresAdminUrl", pgUrl);
  return stack;
}

/** Runs fn over items with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const rows: [string, number][] = [];
try {
  for (let i = 0; i < 3; i++) {
    const stack = await createStack(`one-${i}-${uniqueSuffix()}`);
    rows.push([
      `one stamp (professional: 50 resources), run ${i + 1}`,
      await timed(() => pulumi("up", "--yes", "--skip-preview", "-s", stack)),
    ]);
    await pulumi("destroy", "--yes", "--skip-preview", "-s", stack);
  }
  for (const parallelism of [1, 2, 4]) {
    const stacks: string[] = [];
    for (let i = 0; i < 10; i++) stacks.push(await createStack(`p${parallelism}-${i}-${uniqueSuffix()}`));
    const ms = await timed(() =>
      pool(stacks, parallelism, async (s) => void (await pulumi("up", "--yes", "--skip-preview", "-s", s))),
    );
    rows.push([`10 stamps, ${parallelism} at a time`, ms]);
    await pool(stacks, 4, async (s) => void (await pulumi("destroy", "--yes", "--skip-preview", "-s", s)));
  }
} finally {
  await project.remove();
  await platform.stop();
}

console.log(
  `\ntenant stamps on the local platform, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log("| run | wall time | per stamp |");
console.log("| --- | ---: | ---: |");
for (const [what, ms] of rows) {
  const n = what.startsWith("10 ") ? 10 : 1;
  console.log(`| ${what} | ${(ms / 1000).toFixed(1)} s | ${(ms / 1000 / n).toFixed(1)} s |`);
}
