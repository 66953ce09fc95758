import { join } from "node:path";
import { repoRoot } from "../env.ts";

/** Versions of everything built from Go modules; bump here and the cache key changes. */
export const versions = {
  pulumi: "3.274.1",
  kubernetes: "1.36.3",
  kwok: "0.8.0",
  /** The npm @pulumi/kubernetes this provider build serves (see README: built from the only served commit). */
  pulumiKubernetes: "4.25.0",
  pulumiKubernetesModule: "v4.0.0-20260115033456-f47bc2d6f199",
  pulumiRandom: "4.21.2",
  coredns: "1.14.7",
  metricsServer: "0.8.0",
  /** The NetworkPolicy controller embedded in our agent (see toolchain/netpol). */
  kubeRouter: "2.1.0",
  distribution: "3.1.2",
  mailpit: "1.33.1",
  stripeMock: "0.203.0",
} as const;

export interface GoBuild {
  /** Cache key prefix and human name. */
  readonly name: string;
  readonly version: string;
  /** The wrapper module under packages/devkit/toolchain/. */
  readonly moduleDir: string;
  /** Packages to build; each yields a binary named after its last path element. */
  readonly packages: readonly string[];
  /** Binary names for packages whose last element is not the binary's name ("." builds). */
  readonly output?: string;
  readonly ldflags: readonly string[];
  /** Files generated into the build copy of the module before compiling. */
  readonly prepare?: "kubernetes-provider-schema";
  /** Files copied from the module cache into the install dir after building. */
  readonly extras?: "kwok-stages";
  /** The binaries this build must leave in its bin dir. */
  readonly binaries: readonly string[];
}

const toolchainDir = join(repoRoot, "packages/devkit/toolchain");

const k8sVersionFlags = (pkg: string) => [
  `-X ${pkg}.gitVersion=v${versions.kubernetes}`,
  `-X ${pkg}.gitMajor=1`,
  `-X ${pkg}.gitMinor=${versions.kubernetes.split(".")[1]}`,
  `-X ${pkg}.gitTreeState=clean`,
];

export const goBuilds: readonly GoBuild[] = [
  {
    name: "pulumi",
    version: versions.pulumi,
    moduleDir: join(toolchainDir, "pulumi"),
    packages: ["github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
    // The Automation API refuses a CLI that reports no version.
    ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${versions.pulumi}`],
    binaries: ["pulumi"],
  },
  {
    name: "pulumi-language-nodejs",
    version: versions.pulumi,
    moduleDir: join(toolchainDir, "pulumi-language-nodejs"),
    packages: ["."],
    output: "pulumi-language-nodejs",
    ldflags: [`-X main.version=${versions.pulumi}`],
    binaries: ["pulumi-language-nodejs"],
  },
  {
    name: "pulumi-resource-kubernetes",
    version: versions.pulumiKubernetes,
    moduleDir: join(toolchainDir, "pulumi-kubernetes"),
    packages: ["."],
    output: "pulumi-resource-kubernetes",
    ldflags: [
      `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${versions.pulumiKubernetes}`,
    ],
    prepare: "kubernetes-provider-schema",
    binaries: ["pulumi-resource-kubernetes"],
  },
  {
    name: "kubernetes",
    version: versions.kubernetes,
    moduleDir: join(toolchainDir, "kubernetes"),
    packages: [
      "k8s.io/kubernetes/cmd/kube-apiserver",
      "k8s.io/kubernetes/cmd/kube-controller-manager",
      "k8s.io/kubernetes/cmd/kube-scheduler",
      "k8s.io/kubernetes/cmd/kubelet",
      "k8s.io/kubernetes/cmd/kube-proxy",
      "k8s.io/kubernetes/cmd/kubectl",
      "./cmd/etcd",
    ],
    ldflags: [
      ...k8sVersionFlags("k8s.io/component-base/version"),
      ...k8sVersionFlags("k8s.io/client-go/pkg/version"),
    ],
    binaries: [
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kubelet",
      "kube-proxy",
      "kubectl",
      "etcd",
    ],
  },
  {
    name: "coredns",
    version: versions.coredns,
    moduleDir: join(toolchainDir, "coredns"),
    packages: ["."],
    output: "coredns",
    ldflags: [`-X github.com/coredns/coredns/coremain.GitCommit=v${versions.coredns}`],
    binaries: ["coredns"],
  },
  {
    name: "metrics-server",
    version: versions.metricsServer,
    moduleDir: join(toolchainDir, "metrics-server"),
    packages: ["sigs.k8s.io/metrics-server/cmd/metrics-server"],
    ldflags: [`-X sigs.k8s.io/metrics-server/pkg/version.gitVersion=v${versions.metricsServer}`],
    binaries: ["metrics-server"],
  },
  {
    name: "netpol",
    version: versions.kubeRouter,
    moduleDir: join(toolchainDir, "netpol"),
    packages: ["."],
    output: "dotmac-netpol",
    ldflags: [],
    binaries: ["dotmac-netpol"],
  },
  {
    name: "registry",
    version: versions.distribution,
    moduleDir: join(toolchainDir, "registry"),
    packages: ["github.com/distribution/distribution/v3/cmd/registry"],
    ldflags: [`-X github.com/distribution/distribution/v3/version.version=v${versions.distribution}`],
    binaries: ["registry"],
  },
  {
    name: "mailpit",
    version: versions.mailpit,
    moduleDir: join(toolchainDir, "mailpit"),
    packages: ["github.com/axllent/mailpit"],
    ldflags: [`-X github.com/axllent/mailpit/config.Version=v${versions.mailpit}`],
    binaries: ["mailpit"],
  },
  {
    name: "stripe-mock",
    version: versions.stripeMock,
    moduleDir: join(toolchainDir, "stripe-mock"),
    packages: ["github.com/stripe/stripe-mock"],
    ldflags: [],
    binaries: ["stripe-mock"],
  },
  {
    // Ours: the Pulumi CLI's guard, under its name first on PATH (see its main.go).
    name: "engine-guard",
    version: "1",
    moduleDir: join(toolchainDir, "engine-guard"),
    packages: ["."],
    output: "pulumi",
    ldflags: [],
    binaries: ["pulumi"],
  },
  {
    name: "pause",
    version: "1",
    moduleDir: join(toolchainDir, "pause"),
    packages: ["."],
    output: "pause",
    ldflags: [],
    binaries: ["pause"],
  },
  {
    name: "kwok",
    version: versions.kwok,
    moduleDir: join(toolchainDir, "kwok"),
    packages: ["sigs.k8s.io/kwok/cmd/kwok"],
    ldflags: [`-X sigs.k8s.io/kwok/pkg/consts.Version=${versions.kwok}`],
    extras: "kwok-stages",
    binaries: ["kwok"],
  },
];

/** The KWOK stages that make nodes Ready (with lease heartbeats) and pods Running, from kwok's module. */
export const kwokStageFiles = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
] as const;
