import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultImages, defaultPlatformImages } from "@dotmac/contracts";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../env.ts";
import {
  type AppName,
  appNames,
  appVersion,
  copiedPaths,
  dockerignore,
  IMAGE_REPOSITORY,
} from "./app-images.ts";

describe("dockerignore", () => {
  it("reads the repository's own rules as the image builder does", async () => {
    const excluded = dockerignore(await readFile(join(repoRoot, ".dockerignore"), "utf8"));
    expect(excluded("node_modules/next/package.json")).toBe(true);
    expect(excluded("apps/isp-ops/node_modules/x.js")).toBe(true);
    expect(excluded("apps/isp-ops/.next/BUILD_ID")).toBe(true);
    expect(excluded("apps/radius/test/radclient.test.ts")).toBe(true);
    expect(excluded("apps/radius/src/packets.test.ts")).toBe(true);
    expect(excluded("apps/radius/bench/access-request.bench.ts")).toBe(true);
    expect(excluded(".dotmac/postgres/port")).toBe(true);
    expect(excluded(".dotmac/images/context/pulumi/bin/pulumi")).toBe(false);
    expect(excluded("apps/radius/src/packets.ts")).toBe(false);
    expect(excluded("package-lock.json")).toBe(false);
    expect(excluded("packages/tenant-db/migrations/0000_init.sql")).toBe(false);
  });
});

describe("copiedPaths", () => {
  it("lists what a Dockerfile copies from the context, not from its stages", () => {
    const dockerfile = [
      "FROM base AS deps",
      "COPY package.json package-lock.json ./",
      "COPY packages/contracts/package.json packages/contracts/",
      "COPY --from=deps /src/node_modules/ node_modules/",
      "COPY --chown=1:1 apps/radius apps/radius",
      "COPY .dotmac/images/context/pulumi/bin/ /opt/pulumi/bin/",
      "RUN npm ci \\",
      "  --workspace x",
    ].join("\n");
    expect(copiedPaths(dockerfile)).toEqual([
      "package.json",
      "package-lock.json",
      "packages/contracts/package.json",
      "apps/radius",
      ".dotmac/images/context/pulumi/bin",
    ]);
  });
});

describe("the apps' Dockerfiles", () => {
  it("copy every workspace's manifest before npm ci (it refuses a lockfile whose workspaces are missing)", async () => {
    const root = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
      workspaces: string[];
    };
    const manifests: string[] = [];
    for (const pattern of root.workspaces) {
      const dirs = pattern.endsWith("/*")
        ? (await readdir(join(repoRoot, pattern.slice(0, -2)))).map((d) => `${pattern.slice(0, -2)}/${d}`)
        : [pattern];
      manifests.push(...dirs.map((d) => `${d}/package.json`));
    }
    for (const app of appNames) {
      const copied = copiedPaths(await readFile(join(repoRoot, "apps", app, "Dockerfile"), "utf8"));
      expect(
        manifests.filter((m) => !copied.includes(m)),
        app,
      ).toEqual([]);
    }
  });

  it("are tagged as the stamps' default images name them", async () => {
    const defaults = { ...defaultImages, ...defaultPlatformImages } as Record<string, string>;
    const byApp: Record<AppName, string | undefined> = {
      radius: defaults.radius,
      "isp-ops": defaults.ispOps,
      "platform-admin": defaults.platformAdmin,
      "automation-api": defaults.automationApi,
    };
    for (const app of appNames) {
      expect(byApp[app]).toBe(`${IMAGE_REPOSITORY}/${app}:${await appVersion(app)}`);
    }
  });
});
