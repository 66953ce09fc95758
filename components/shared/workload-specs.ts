import {
  type Placement,
  placementOf,
  type Resources,
  type SizingProfile,
  type StackPlacement,
  sized,
  type Workload,
} from "@dotmac/contracts";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/** The uid every tenant container runs as; images are built to run as it. */
export const NON_ROOT_UID = 10001;

/** Pod-level security that Pod Security Admission's `restricted` profile demands. */
export function podSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    runAsGroup: NON_ROOT_UID,
    fsGroup: NON_ROOT_UID,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level security: no root, no privilege escalation, no capabilities, read-only root. */
export function containerSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export interface ProbeTarget {
  /** Liveness (and start-up): the process answers. Never a dependency, or an outage restarts every pod. */
  readonly path?: string;
  /** Readiness: the dependencies answer too; the liveness path when absent. */
  readonly readyPath?: string;
  readonly port: number;
  /** Probe with a TCP connect instead of an HTTP GET. */
  readonly tcp?: boolean;
}

/** Readiness, liveness and startup probes: liveness asks whether it lives, readiness whether it can serve. */
export function probes(target: ProbeTarget) {
  const get = (path: string) =>
    target.tcp ? { tcpSocket: { port: target.port } } : { httpGet: { path, port: target.port } };
  const live = get(target.path ?? "/healthz");
  return {
    readinessProbe: {
      ...get(target.readyPath ?? target.path ?? "/healthz"),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: { ...live, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
    startupProbe: { ...live, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
  };
}

export interface ContainerInput {
  readonly name: string;
  readonly image: string;
  readonly resources: { readonly requests: Resources; readonly limits: Resources };
  readonly ports: readonly { name: string; containerPort: number; protocol?: "TCP" | "UDP" }[];
  /** Absent only for a batch container (a Job's), which serves nothing to probe. */
  readonly probe?: ProbeTarget;
  readonly env?: readonly pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
  readonly envFrom?: readonly pulumi.Input<k8s.types.input.core.v1.EnvFromSource>[];
  readonly args?: readonly string[];
  /** Writable mounts besides /tmp (the root filesystem is read-only). */
  readonly volumeMounts?: readonly { name: string; mountPath: string; readOnly?: boolean }[];
}

/** A container that passes the policy pack: pinned image, limits, probes, hardened security context. */
export function hardenedContainer(c: ContainerInput): Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: "IfNotPresent",
    ...(c.args ? { args: [...c.args] } : {}),
    ports: c.ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })),
    ...(c.env ? { env: [...c.env] } : {}),
    ...(c.envFrom ? { envFrom: [...c.envFrom] } : {}),
    resources: {
      requests: { ...c.resources.requests },
      limits: { ...c.resources.limits },
    },
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(c.volumeMounts ?? [])],
    ...(c.probe ? probes(c.probe) : {}),
  };
}

/**
 * Kubernetes' default, written down: our servers drain within DRAIN_SECONDS (packages/http) of
 * SIGTERM, under this.
 */
export const TERMINATION_GRACE_SECONDS = 30;

/**
 * Where a stamp's pods go and how much they ask for: the stack's `dotmac:placement` and
 * `dotmac:sizing`, which a part applies to each workload it runs.
 */
export interface Scheduling {
  readonly placement?: StackPlacement;
  /** `production` when absent. */
  readonly sizing?: SizingProfile;
}

/** A workload's placement and its requests and limits under the stack's scheduling. */
export function scheduled(
  scheduling: Scheduling,
  workload: Workload,
  resources: { readonly requests: Resources; readonly limits: Resources },
) {
  return {
    placement: placementOf(scheduling.placement, workload),
    resources: sized(resources, scheduling.sizing ?? "production"),
  };
}

/** A pod spec around hardened containers, with /tmp as the one scratch volume. */
export function hardenedPodSpec(opts: {
  readonly serviceAccountName: pulumi.Input<string>;
  readonly containers: readonly Container[];
  readonly volumes?: readonly pulumi.Input<k8s.types.input.core.v1.Volume>[];
  readonly placement?: Placement;
}): PodSpec {
  const { nodeSelector, tolerations } = opts.placement ?? {};
  return {
    serviceAccountName: opts.serviceAccountName,
    ...(nodeSelector ? { nodeSelector: { ...nodeSelector } } : {}),
    ...(tolerations ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
    automountServiceAccountToken: false,
    securityContext: podSecurityContext(),
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    containers: [...opts.containers],
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }, ...(opts.volumes ?? [])],
  };
}
