import { createHash } from "node:crypto";
import {
  chmod,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "../env.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";

/**
 * The automation API runs the Pulumi CLI, our language host and the Kubernetes provider: they are
 * built from Go modules (toolchain ensure), so they are staged into the build context for its
 * Dockerfile to copy. A release pipeline runs the same two steps.
 */
export async function stagePulumiToolchain(toolchain: Toolchain): Promise<string> {
  const kubernetes = (await readdir(join(toolchain.pulumiHome, "plugins"))).find((d) =>
    /^resource-kubernetes-v[^.]+\.[^.]+\.[^.]+$/.test(d),
  );
  if (!kubernetes)
    throw new Error("the Kubernetes provider plugin is not installed: run dotmac-dev toolchain ensure");
  const sources = {
    pulumi: join(toolchain.pulumiBinDir, "pulumi"),
    "pulumi-language-nodejs": join(toolchain.pulumiBinDir, "pulumi-language-nodejs"),
    "pulumi-resource-kubernetes": join(
      toolchain.pulumiHome,
      "plugins",
      kubernetes,
      "pulumi-resource-kubernetes",
    ),
  };
  const guard = join(toolchain.guardBinDir, "pulumi");
  // The cache folders are named by their build keys, so their real paths say what is staged.
  const origins = await Promise.all([...Object.values(sources), guard].map((f) => realpath(f)));
  const key = createHash("sha256").update(JSON.stringify(origins)).digest("hex").slice(0, 12);
  const dir = join(repoRoot, ".dotmac/images/context/pulumi");
  const marker = join(dir, ".staged");
  if ((await readFile(marker, "utf8").catch(() => "")) === key) return stagedKey(dir, key);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "bin"), { recursive: true });
  for (const [name, file] of Object.entries(sources)) {
    await cp(file, join(dir, "bin", name), { dereference: true });
    // `pulumi plugin install` leaves the provider 0700: the image's user must run it too.
    await chmod(join(dir, "bin", name), 0o755);
  }
  // The CLI's guard takes the CLI's name in a folder of its own, ahead of it on the image's PATH.
  await mkdir(join(dir, "guard"), { recursive: true });
  await cp(guard, join(dir, "guard", "pulumi"));
  await chmod(join(dir, "guard", "pulumi"), 0o755);
  // The dynamic-provider plugin is the language host under another name (see its README).
  await symlink("pulumi-language-nodejs", join(dir, "bin", "pulumi-resource-pulumi-nodejs"));
  await writeFile(marker, key);
  return stagedKey(dir, key);
}

/** What was staged as the image will see it: origins, names and modes (a mode the user cannot run breaks it). */
async function stagedKey(dir: string, originsKey: string): Promise<string> {
  const entries = await Promise.all(
    (await readdir(join(dir, "bin")))
      .sort()
      .map(async (f) => `${f}:${(await lstat(join(dir, "bin", f))).mode}`),
  );
  return createHash("sha256")
    .update(JSON.stringify([originsKey, entries]))
    .digest("hex")
    .slice(0, 12);
}
