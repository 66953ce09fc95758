import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * Removes the metadata sidecars (`*.attrs`) that the file backend wrote before we told it to skip
 * them (see contracts' crashSafeBackendUrl): one left empty by a killed run makes its stack
 * unloadable, and Pulumi reads nothing from them. Returns the files removed.
 */
export async function dropMetadataSidecars(stateDir: string): Promise<string[]> {
  const entries = await readdir(stateDir, { recursive: true }).catch(() => [] as string[]);
  const sidecars = entries.filter((f) => f.endsWith(".attrs"));
  for (const f of sidecars) await unlink(join(stateDir, f));
  return sidecars;
}
