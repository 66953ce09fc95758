import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import { createThrowawayDatabase, pulumiEnv, repoRoot, type ThrowawayDatabase } from "@dotmac/devkit";
import {
  crashTree,
  type LocalPlatform,
  scratchDir,
  startLocalPlatform,
  uniqueSuffix,
} from "@dotmac/devkit/testing";
import { apiEnv } from "../src/env.ts";
import { type RunningApi, startApi } from "../src/server.ts";

export const ADMIN = { email: "admin@dotmac.test", password: "a-long-test-password" };

/**
 * Everything the service runs on, for real: a local control plane, embedded Postgres (platform
 * database and tenant databases), the Pulumi toolchain, and a file backend of its own.
 */
export interface LiveEnvironment {
  readonly platform: LocalPlatform;
  readonly database: ThrowawayDatabase;
  /** The environment a replica of the service runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** The file backend's folder (the stacks' state). */
  readonly stateDir: string;
  /** Starts a replica in this process. */
  startReplica(overrides?: Record<string, string>): Promise<RunningApi>;
  /** Starts a replica as a child process (one a test can kill -9). */
  spawnReplica(port: number, overrides?: Record<string, string>): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startLiveEnvironment(
  opts: { nodes?: number; quiet?: boolean } = {},
): Promise<LiveEnvironment> {
  const platform = await startLocalPlatform({
    postgres: true,
    ...(opts.nodes ? { nodes: opts.nodes } : {}),
    ...(opts.quiet ? { log: () => {} } : {}),
  });
  const postgres = platform.postgres;
  if (!postgres) throw new Error("no Postgres");
  const scratch = await scratchDir("automation-api");
  const database = await createThrowawayDatabase(postgres.url, "platform");
  const stateDir = join(scratch.path, "state");
  await mkdir(stateDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...pulumiEnv(platform.toolchain, { KUBECONFIG: platform.cluster.kubeconfig }),
    DATABASE_URL: database.url,
    HOST: "127.0.0.1",
    PORT: "0",
    DOTMAC_WORKSPACES_DIR: join(scratch.path, "workspaces"),
    PULUMI_BACKEND_URL: fileBackendUrl(stateDir),
    PULUMI_CONFIG_PASSPHRASE: `test-${uniqueSuffix()}`,
    DOTMAC_TENANT_POSTGRES_URL: postgres.url,
    DOTMAC_RADIUS_SERVICE_TYPE: "ClusterIP",
    // The cluster's shape, handed to every tenant stack: the test cluster's nodes are KWOK's.
    DOTMAC_PLACEMENT: JSON.stringify({ default: { nodeSelector: { type: "kwok" } } }),
    DOTMAC_SIZING: "compact",
    DOTMAC_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    DOTMAC_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "warn",
  };
  const children: ChildProcess[] = [];
  const replicas: RunningApi[] = [];
  return {
    platform,
    database,
    env,
    stateDir,
    startReplica: async (overrides = {}) => {
      // The runner's CLI inherits this process's environment (PATH to the toolchain, KUBECONFIG).
      for (const key of [
        "PATH",
        "KUBECONFIG",
        "PULUMI_HOME",
        "PULUMI_SKIP_UPDATE_CHECK",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
      ]) {
        process.env[key] = env[key];
      }
      const api = await startApi(apiEnv({ ...env, ...overrides }));
      replicas.push(api);
      return api;
    },
    spawnReplica: async (port, overrides = {}) => {
      const child = spawn(
        process.execPath,
        [join(repoRoot, "apps/automation-api/bin/dotmac-api.js"), "serve"],
        {
          env: { ...env, PORT: String(port), ...overrides },
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      children.push(child);
      for (let i = 0; i < 300; i++) {
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return child;
        if (child.exitCode !== null) throw new Error(`the replica exited with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("the replica did not become ready");
    },
    stop: async () => {
      for (const child of children) if (child.exitCode === null && child.pid) await crashTree(child.pid);
      for (const api of replicas) await api.stop().catch(() => {});
      await database.drop().catch(() => {});
      await platform.stop();
      await scratch.remove();
    },
  };
}

/** A signed-in session's headers against a running replica. */
export async function signIn(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/platform/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { cookie, "content-type": "application/json" };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Reads a Server-Sent Events stream until it ends (the server sends `end`) or `until` says stop. */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  until: (e: SseEvent) => boolean = (e) => e.event === "end",
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { ...headers, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`SSE failed: ${res.status}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: SseEvent = { data: "" };
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(":");
          const value = rest.join(":").replace(/^ /, "");
          if (field === "id") e.id = value;
          else if (field === "event") e.event = value;
          else if (field === "data") e.data += value;
        }
        events.push(e);
        if (until(e)) return events;
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}
