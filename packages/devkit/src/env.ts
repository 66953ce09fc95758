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
  /** `npm start`'s automation API port; a free one (8080 when it is) when absent. */
  readonly apiPort: number | undefined;
  /** A Pulumi backend for `npm start` instead of the local folder, and its passphrase. */
  readonly pulumiBackendUrl: string | undefined;
  readonly pulumiPassphrase: string | undefined;
  /** A CA bundle Node trusts besides its own (a TLS-inspecting proxy's), for image builds' npm. */
  readonly extraCaCerts: string | undefined;
}

/**
 * The environment this process was started with, read here and nowhere else in devkit (Biome's
 * noProcessEnv): what child processes inherit, with the settings they are given on top.
 */
export const hostEnv: NodeJS.ProcessEnv = process.env;

/** The directories of PATH, in order. */
export const pathDirs = (env: NodeJS.ProcessEnv = hostEnv): string[] =>
  (env.PATH ?? "").split(":").filter(Boolean);

function port(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535)
    throw new Error(`${name} must be a port number, not ${value}`);
  return n;
}

/** Reads the environment once and checks it; the rest of devkit never touches process.env. */
export function devkitEnv(env: NodeJS.ProcessEnv = hostEnv): DevkitEnv {
  return {
    stateDir: env.DOTMAC_STATE_DIR ?? join(repoRoot, ".dotmac"),
    cacheDir: env.DOTMAC_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "dotmac"),
    databaseUrl: env.DATABASE_URL || undefined,
    kubeconfig: env.KUBECONFIG || undefined,
    goBin: env.DOTMAC_GO ?? (env.GOROOT ? join(env.GOROOT, "bin", "go") : "/usr/local/go/bin/go"),
    apiPort: port(env.DOTMAC_API_PORT, "DOTMAC_API_PORT"),
    pulumiBackendUrl: env.PULUMI_BACKEND_URL || undefined,
    pulumiPassphrase: env.PULUMI_CONFIG_PASSPHRASE,
    extraCaCerts: env.NODE_EXTRA_CA_CERTS || undefined,
  };
}
