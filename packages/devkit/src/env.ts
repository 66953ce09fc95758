import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: four levels up from this file (packages/devkit/src/env.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface DevkitEnv {
  /** Git-ignored folder for local state: Postgres data, cluster PKI, Pulumi state. */
  readonly stateDir: string;
  /** Where built binaries are cached, outside the repository and keyed by version. */
  readonly cacheDir: string;
  /** An existing Postgres server to use instead of the embedded one. */
  readonly databaseUrl: string | undefined;
  /** An existing cluster to use instead of the local control plane. */
  readonly kubeconfig: string | undefined;
  /** The Go toolchain used to build binaries. */
  readonly goBin: string;
}

/** Reads the environment once; the rest of devkit never touches process.env directly. */
export function devkitEnv(env: NodeJS.ProcessEnv = process.env): DevkitEnv {
  return {
    stateDir: env.DOTMAC_STATE_DIR ?? join(repoRoot, ".dotmac"),
    cacheDir: env.DOTMAC_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "dotmac"),
    databaseUrl: env.DATABASE_URL || undefined,
    kubeconfig: env.KUBECONFIG || undefined,
    goBin: env.DOTMAC_GO ?? (env.GOROOT ? join(env.GOROOT, "bin", "go") : "/usr/local/go/bin/go"),
  };
}
