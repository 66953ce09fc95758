/**
 * The apps' images: size, cold build (an empty image store and cache, as on a new machine; the Go
 * toolchain is not rebuilt), a rebuild with nothing changed, and a rebuild after a one-line change
 * in isp-ops (the line is appended to a source file and removed again afterwards). Goals:
 * isp-ops ≤ 200 MB; that rebuild ≤ 60 s. Prints one table.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { devkitEnv, repoRoot } from "../src/env.ts";
import { type BuiltImage, buildImages } from "../src/images/app-images.ts";
import { ensureToolchain } from "../src/toolchain/toolchain.ts";

const quiet = () => {};
const env = devkitEnv();
const toolchain = await ensureToolchain(env, quiet);
const coldCache = await mkdtemp(join(tmpdir(), "dotmac-bench-images-"));
// A cache of its own: its image store starts empty; images are not pushed anywhere.
const cold = { ...env, cacheDir: coldCache, stateDir: join(coldCache, "state") };

const time = async (fn: () => Promise<BuiltImage[]>) => {
  const started = performance.now();
  const images = await fn();
  return { seconds: (performance.now() - started) / 1000, images };
};

const touched = join(repoRoot, "apps/isp-ops/src/app/layout.tsx");
const original = await readFile(touched, "utf8");
let rows: string[][] = [];
try {
  const first = await time(() => buildImages(cold, { toolchain, log: quiet }));
  const again = await time(() => buildImages(cold, { toolchain, log: quiet }));
  await appendFile(touched, "// bench: a one-line change\n");
  const changed = await time(() => buildImages(cold, { apps: ["isp-ops"], toolchain, log: quiet }));
  rows = first.images.map((image) => [
    image.reference,
    (image.size / 1e6).toFixed(0),
    image.seconds.toFixed(0),
    String((again.images.find((i) => i.app === image.app)?.seconds ?? 0).toFixed(1)),
    image.app === "isp-ops" ? changed.seconds.toFixed(0) : "",
  ]);
  rows.push(["all four", "", first.seconds.toFixed(0), again.seconds.toFixed(1), ""]);
} finally {
  await writeFile(touched, original);
  const { containerStore, containerCommand } = await import("../src/images/containers.ts");
  const store = await containerStore(cold, quiet);
  await containerCommand(store, "buildah", ["rmi", "--all", "--force"]).catch(() => {});
  await rm(coldCache, { recursive: true, force: true });
}

const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
console.log(
  `\nImages built with buildah from an empty store (${machine}; goals: isp-ops ≤ 200 MB, one-line rebuild ≤ 60 s)`,
);
console.log(
  "| image | size MB | cold build s | unchanged s | after a one-line change s |\n| --- | ---: | ---: | ---: | ---: |",
);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
