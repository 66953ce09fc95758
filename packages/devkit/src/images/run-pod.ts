import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { PodHost } from "../net/pod-network.ts";
import { run } from "../process.ts";
import { type ContainerStore, containerCommand } from "./containers.ts";

/** The parts of a Kubernetes pod spec the kubelet applies to a container, as a stamp renders them. */
export interface PodSpecLike {
  readonly securityContext?: {
    runAsUser?: number;
    runAsGroup?: number;
    runAsNonRoot?: boolean;
    fsGroup?: number;
    seccompProfile?: { type: string };
  };
  readonly volumes?: readonly { name: string; emptyDir?: { sizeLimit?: string } }[];
  readonly terminationGracePeriodSeconds?: number;
}

export interface ContainerLike {
  readonly name: string;
  readonly args?: readonly string[];
  readonly securityContext?: {
    runAsUser?: number;
    runAsGroup?: number;
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: readonly string[]; add?: readonly string[] };
    seccompProfile?: { type: string };
  };
  readonly volumeMounts?: readonly { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodRun {
  readonly image: string;
  readonly pod: PodSpecLike;
  readonly container: ContainerLike;
  /** The container's environment, resolved from its ConfigMaps and Secrets. */
  readonly env: Record<string, string>;
  readonly host: PodHost;
  /** Read-only bind mounts the kubelet would project (a service account's token, say). */
  readonly binds?: readonly { source: string; destination: string }[];
  /** Names cluster DNS would answer (a Service's), pointed at an address of this machine. */
  readonly hosts?: Record<string, string>;
}

/** What the kernel says about the container's main process, and whether its root is read-only. */
export interface ProcessFacts {
  readonly uid: number;
  readonly gid: number;
  /** Effective capabilities, as /proc shows them (hex). */
  readonly capEff: string;
  readonly noNewPrivs: boolean;
  /** 2: a seccomp filter is applied. */
  readonly seccomp: number;
  readonly readOnlyRoot: boolean;
}

export interface RunningPod {
  readonly id: string;
  readonly ip: string;
  facts(): Promise<ProcessFacts>;
  /** Its processes, with the kernel's state letter for each (Z: a zombie nobody reaped). */
  processes(): Promise<{ pid: number; state: string; command: string }[]>;
  /** Runs a command in the container (as `kubectl exec` would); resolves its output. */
  exec(command: readonly string[], env?: Record<string, string>): Promise<string>;
  logs(): Promise<string>;
  /** null while it runs. */
  exitCode(): Promise<number | null>;
  /** SIGTERM, as the kubelet sends it; waits up to the grace period. */
  terminate(): Promise<{ exitCode: number | null; seconds: number }>;
  remove(): Promise<void>;
}

const quantityBytes = (q: string | undefined) => {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q ?? "");
  if (!m) return undefined;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] ?? ""] ?? 1;
  return Number(m[1]) * unit;
};

/**
 * podman's arguments for a container as the kubelet would run it: user and groups, read-only root,
 * capabilities, no privilege escalation, seccomp, its emptyDir mounts (and only those writable).
 * Throws where the kubelet would refuse the pod.
 */
export function podmanArgs(spec: PodRun, name: string): string[] {
  const pod = spec.pod.securityContext ?? {};
  const sc = spec.container.securityContext ?? {};
  const uid = sc.runAsUser ?? pod.runAsUser;
  const gid = sc.runAsGroup ?? pod.runAsGroup;
  if ((sc.runAsNonRoot ?? pod.runAsNonRoot) && (uid === undefined || uid === 0)) {
    throw new Error(`${spec.container.name}: runAsNonRoot needs a numeric non-zero runAsUser`);
  }
  if (sc.privileged) throw new Error(`${spec.container.name}: privileged containers are not run here`);
  const args = ["run", "-d", "--name", name, "--network", `ns:${spec.host.path}`, "--pull", "never"];
  if (uid !== undefined) args.push("--user", gid === undefined ? String(uid) : `${uid}:${gid}`);
  if (pod.fsGroup !== undefined) args.push("--group-add", String(pod.fsGroup));
  if (sc.readOnlyRootFilesystem) args.push("--read-only", "--read-only-tmpfs=false");
  for (const cap of sc.capabilities?.drop ?? []) args.push("--cap-drop", cap);
  for (const cap of sc.capabilities?.add ?? []) args.push("--cap-add", cap);
  if (sc.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
  const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp === "Unconfined") args.push("--security-opt", "seccomp=unconfined");
  // This machine may not raise limits (no CAP_SYS_RESOURCE): the runtime's defaults are lowered.
  args.push("--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096");
  for (const mount of spec.container.volumeMounts ?? []) {
    const volume = spec.pod.volumes?.find((v) => v.name === mount.name);
    if (!volume?.emptyDir) throw new Error(`${spec.container.name}: volume ${mount.name} is not an emptyDir`);
    const size = quantityBytes(volume.emptyDir.sizeLimit);
    args.push(
      "--mount",
      `type=tmpfs,destination=${mount.mountPath},tmpfs-mode=1777${size ? `,tmpfs-size=${size}` : ""}`,
    );
  }
  for (const b of spec.binds ?? [])
    args.push("--mount", `type=bind,source=${b.source},destination=${b.destination},ro=true`);
  for (const [name, address] of Object.entries(spec.hosts ?? {}))
    args.push("--add-host", `${name}:${address}`);
  for (const [k, v] of Object.entries(spec.env)) args.push("--env", `${k}=${v}`);
  args.push(spec.image, ...(spec.container.args ?? []));
  return args;
}

/** Starts a container the way the kubelet would run it, in a test host of its own. */
export async function runPod(store: ContainerStore, spec: PodRun): Promise<RunningPod> {
  const name = `dotmac-${spec.container.name}-${randomBytes(3).toString("hex")}`;
  const id = (await containerCommand(store, "podman", podmanArgs(spec, name))).trim();
  const grace = spec.pod.terminationGracePeriodSeconds ?? 30;
  const podman = (...args: string[]) => run("podman", args, { env: store.env });
  const exitCode = async () => {
    const state = JSON.parse(await podman("inspect", "--format", "{{json .State}}", id)) as {
      Running: boolean;
      ExitCode: number;
    };
    return state.Running ? null : state.ExitCode;
  };
  return {
    id,
    ip: spec.host.ip,
    facts: async () => {
      const [pid, readOnly] = (
        await podman("inspect", "--format", "{{.State.Pid}} {{.HostConfig.ReadonlyRootfs}}", id)
      )
        .trim()
        .split(" ");
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, "m").exec(status)?.[1] ?? "";
      return {
        uid: Number(field("Uid")),
        gid: Number(field("Gid")),
        capEff: field("CapEff"),
        noNewPrivs: field("NoNewPrivs") === "1",
        seccomp: Number(field("Seccomp")),
        readOnlyRoot: readOnly === "true",
      };
    },
    processes: async () => {
      const rows = (await podman("top", id, "hpid", "pid", "comm")).trim().split("\n").slice(1);
      return Promise.all(
        rows.map(async (row) => {
          const [hpid, pid, ...command] = row.trim().split(/\s+/);
          const stat = await readFile(`/proc/${hpid}/stat`, "utf8").catch(() => "");
          return { pid: Number(pid), state: /\) (\S)/.exec(stat)?.[1] ?? "?", command: command.join(" ") };
        }),
      );
    },
    exec: (command, env = {}) =>
      podman("exec", ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]), id, ...command),
    // Both streams, interleaved as they come: `podman logs` gives the container's stderr on its own.
    logs: () =>
      new Promise<string>((resolve) => {
        const child = spawn("podman", ["logs", id], { env: store.env });
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          out += d.toString();
        });
        child.on("error", (e) => resolve(e.message));
        child.on("close", () => resolve(out));
      }),
    exitCode,
    terminate: async () => {
      const started = performance.now();
      await podman("kill", "--signal", "TERM", id).catch(() => {});
      const deadline = Date.now() + grace * 1000;
      let code = await exitCode();
      while (code === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        code = await exitCode();
      }
      return { exitCode: code, seconds: (performance.now() - started) / 1000 };
    },
    remove: async () => {
      await podman("rm", "-f", "-t", "0", id).catch(() => {});
    },
  };
}

type Probed = ContainerLike & {
  readonly readinessProbe?: { httpGet?: { path: string; port: number } };
  readonly livenessProbe?: { httpGet?: { path: string; port: number } };
};

/** The HTTP status a container's probe gets from the running pod (0 when nothing answers). */
export function probeStatus(pod: RunningPod, container: Probed, kind: "livenessProbe" | "readinessProbe") {
  const get = container[kind]?.httpGet;
  if (!get) throw new Error(`${container.name} has no HTTP ${kind}`);
  return fetch(`http://${pod.ip}:${get.port}${get.path}`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** Waits for the readiness probe to pass, as the kubelet would before sending traffic; logs on failure. */
export async function waitUntilReady(pod: RunningPod, container: Probed, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await probeStatus(pod, container, "readinessProbe")) !== 200) {
    if (Date.now() > deadline || (await pod.exitCode()) !== null) {
      throw new Error(`${container.name} did not become ready:\n${await pod.logs()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the kernel must show for a container the stamps harden: their user, nothing more. */
export function hardenedFacts(pod: PodSpecLike, container: ContainerLike): ProcessFacts {
  return {
    uid: container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser ?? -1,
    gid: container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup ?? -1,
    capEff: "0000000000000000",
    noNewPrivs: true,
    seccomp: 2,
    readOnlyRoot: true,
  };
}
