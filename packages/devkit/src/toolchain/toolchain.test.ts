import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildKey } from "./build.ts";
import { compareVersions } from "./toolchain.ts";
import { goBuilds, versions } from "./tools.ts";

describe("toolchain", () => {
  it("compares versions numerically, with or without a leading v", () => {
    expect(compareVersions("v3.274.1", "3.274.1")).toBe(0);
    expect(compareVersions("3.275.0", "3.274.1")).toBe(1);
    expect(compareVersions("3.99.0", "3.274.1")).toBe(-1);
    expect(compareVersions("v3.274.10", "3.274.9")).toBe(1);
  });

  it("keys each build by its version and its wrapper module's content", async () => {
    const pulumi = goBuilds.find((b) => b.name === "pulumi");
    if (!pulumi) throw new Error("no pulumi build");
    const key = await buildKey(pulumi);
    expect(key).toMatch(new RegExp(`^pulumi-${versions.pulumi}-[0-9a-f]{10}$`));
    expect(await buildKey(pulumi)).toBe(key);

    const copy = await mkdtemp(join(tmpdir(), "dotmac-key-"));
    try {
      await cp(pulumi.moduleDir, copy, { recursive: true });
      expect(await buildKey({ ...pulumi, moduleDir: copy })).toBe(key);
      await writeFile(join(copy, "extra.go"), "package tools\n");
      expect(await buildKey({ ...pulumi, moduleDir: copy })).not.toBe(key);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("pins the provider build to the npm SDK the workspace installs", async () => {
    const { default: sdk } = await import("@pulumi/kubernetes/package.json", { with: { type: "json" } });
    expect(sdk.pulumi.version).toBe(versions.pulumiKubernetes);
    const build = goBuilds.find((b) => b.name === "pulumi-resource-kubernetes");
    expect(build?.ldflags.join(" ")).toContain(`Version=${versions.pulumiKubernetes}`);
  });

  it("builds every control-plane binary the cluster starts", () => {
    const names = goBuilds.flatMap((b) => b.binaries);
    for (const bin of [
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kwok",
      "pulumi",
      "pulumi-language-nodejs",
    ]) {
      expect(names).toContain(bin);
    }
  });
});
