import type { TenantSpec } from "@dotmac/contracts";

export interface NetworkPolicyOptions {
  /** The control plane's namespace: the automation API and admin app reach tenants from there. */
  readonly platformNamespace: string;
  /** Where the ingress controller runs. */
  readonly ingressNamespace: string;
  /** Networks the tenant's database lives in (private ranges only). */
  readonly databaseCidrs: readonly string[];
  /** Whether the tenant runs RADIUS. */
  readonly radius: boolean;
}

type Port = { protocol: "TCP" | "UDP"; port: number };
type Peer =
  | {
      namespaceSelector: { matchLabels: Record<string, string> };
      podSelector?: { matchLabels: Record<string, string> };
    }
  | { podSelector: Record<string, never> }
  | { ipBlock: { cidr: string } };

export interface NetworkPolicySpec {
  readonly name: string;
  readonly spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from?: Peer[]; ports?: Port[] }[];
    egress?: { to?: Peer[]; ports?: Port[] }[];
  };
}

/** Selects a namespace by the label Kubernetes sets on every namespace (the seed's `name:` label does not exist). */
const inNamespace = (name: string): Peer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
});

export const radiusPodLabels = { "app.kubernetes.io/name": "radius" } as const;

/**
 * The tenant's network policies: deny everything, then allow only what a tenant needs. Each
 * allowance is its own policy so `kubectl get netpol` reads like the list below.
 */
export function networkPolicySpecs(
  spec: Pick<TenantSpec, "slug" | "nasCidrs">,
  opts: NetworkPolicyOptions,
): NetworkPolicySpec[] {
  const policies: NetworkPolicySpec[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-same-namespace",
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      name: "allow-from-platform-and-ingress",
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [inNamespace(opts.platformNamespace), inNamespace(opts.ingressNamespace)] }],
      },
    },
    {
      name: "allow-dns",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    {
      name: "allow-https-out",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
            ports: [{ protocol: "TCP", port: 443 }],
          },
        ],
      },
    },
    {
      name: "allow-database",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: opts.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
      },
    },
  ];
  if (opts.radius && spec.nasCidrs.length > 0) {
    const nas = spec.nasCidrs.map((cidr) => ({ ipBlock: { cidr } }));
    policies.push({
      name: "allow-radius-from-nas",
      spec: {
        podSelector: { matchLabels: { ...radiusPodLabels } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: nas,
            ports: [
              { protocol: "UDP", port: 1812 },
              { protocol: "UDP", port: 1813 },
            ],
          },
        ],
        // Change-of-Authorization and Disconnect-Request go from RADIUS to the NAS (RFC 5176).
        egress: [{ to: nas, ports: [{ protocol: "UDP", port: 3799 }] }],
      },
    });
  }
  return policies;
}
