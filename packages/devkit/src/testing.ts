import { randomBytes } from "node:crypto";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { devkitEnv, repoRoot } from "./env.ts";

/**
 * A scratch folder inside the repository's git-ignored state dir. Pulumi programs copied here
 * still resolve the workspace's node_modules, and stack files they write never touch the tree.
 */
export async function scratchDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = join(devkitEnv().stateDir, "tmp", `${prefix}-${randomBytes(4).toString("hex")}`);
  await mkdir(path, { recursive: true });
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Copies a fixture Pulumi program (under packages/devkit/test/fixtures) into a scratch folder. */
export async function copyFixture(name: string, into: string): Promise<string> {
  const target = join(into, name);
  await cp(join(repoRoot, "packages/devkit/test/fixtures", name), target, { recursive: true });
  return target;
}

/** A random DNS-1123 suffix for names that must not collide between runs. */
export const uniqueSuffix = () => randomBytes(3).toString("hex");
