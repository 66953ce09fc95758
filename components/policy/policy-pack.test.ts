import { rm } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "@dotmac/devkit";
import {
  type LocalPlatform,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
} from "@dotmac/devkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The policy pack as the engine runs it: through the language host's RunPlugin, on `preview`. */
describe("dotmac policy pack in the engine", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  const program = join(repoRoot, "components/policy/fixtures/violations");

  beforeAll(async () => {
    platform = await startLocalPlatform();
    project = await scratchProject(platform, { prefix: "policy", programDir: program });
  }, 90 * 60_000);

  afterAll(async () => {
    await project?.remove();
    await platform?.stop();
  });

  it("stops a program that breaks the rules in its preview, naming each rule, and creates nothing", async () => {
    const stack = `violations-${uniqueSuffix()}`;
    await project.pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
    try {
      // `up` previews first: policies judge the whole plan there, before anything is created.
      const failure = await project.failure(
        "up",
        "--yes",
        "-s",
        stack,
        "--policy-pack",
        join(repoRoot, "components/policy"),
      );
      for (const rule of [
        "tenant-namespace-guard-rails",
        "tenant-resources-in-own-namespace",
        "containers-hardened",
        "no-secrets-in-configmaps",
      ]) {
        expect(failure, rule).toMatch(new RegExp(`\\[mandatory\\]\\s+${rule}`));
      }
      expect(failure).toMatch(/image registry\.dotmac\.io\/bad:latest uses :latest/);
      expect(failure).toMatch(/tenant-bad: has no ResourceQuota/);
      const state = JSON.parse(await project.pulumi("stack", "export", "-s", stack)) as {
        deployment: { resources?: { type: string }[] };
      };
      expect((state.deployment.resources ?? []).filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    } finally {
      await project.pulumi("stack", "rm", "--yes", "--force", "-s", stack).catch(() => undefined);
      // `stack init` wrote the stack's file beside the fixture program.
      await rm(join(program, `Pulumi.${stack}.yaml`), { force: true });
    }
  });
});
