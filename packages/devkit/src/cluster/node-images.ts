import { run } from "../process.ts";
import { type Log, step } from "../progress.ts";

/** containerd's CLI in the namespace the kubelet's CRI uses. */
export const ctr = (socket: string, ...args: string[]) =>
  run("ctr", ["--address", socket, "--namespace", "k8s.io", ...args]);

/** The manifest digest an OCI archive holds (what containerd records for the image it imports). */
async function archiveDigest(archive: string): Promise<string> {
  const index = JSON.parse(await run("tar", ["-xOf", archive, "index.json"])) as {
    manifests: { digest: string }[];
  };
  return index.manifests[0]?.digest ?? "";
}

/**
 * Imports the images pods here run (nothing is pulled): the system images, and each app image
 * `dotmac-dev images build` left under .dotmac/images. Only what changed is imported again.
 */
export async function importImages(socket: string, archives: readonly string[], log: Log): Promise<void> {
  const listed = await ctr(socket, "images", "ls");
  const present = new Set(
    listed
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map(([ref, , digest]) => `${ref}@${digest}`),
  );
  for (const archive of archives) {
    const refs = JSON.parse(await run("tar", ["-xOf", archive, "index.json"])) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    const ref = refs.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"] ?? "";
    if (present.has(`${ref}@${await archiveDigest(archive)}`)) continue;
    await step(`import ${ref || archive}`, () => ctr(socket, "images", "import", archive), log);
  }
}
