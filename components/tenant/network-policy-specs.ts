import { ipVersion, type TenantSpec } from "@dotmac/contracts";
import type * as pulumi from "@pulumi/pulumi";
import {
  GENIEACS_NBI_PORT,
  GRAFANA_PORT,
  ISP_OPS_METRICS_PORT,
  ISP_OPS_PORT,
  MONGO_PORT,
  PROMETHEUS_PORT,
  RADIUS_ACCT_PORT,
  RADIUS_AUTH_PORT,
  RADIUS_COA_PORT,
  RADIUS_CONTROL_PORT,
  RADIUS_METRICS_PORT,
} from "./ports.ts";

export interface NetworkPolicyOptions {
  /** Where the ingress controller runs. */
  readonly ingressNamespace: string;
  /** Networks the tenant's database lives in (private ranges only). */
  readonly databaseCidrs: readonly string[];
  /** The port apps reach it on: 5432 when absent. */
  readonly databasePort?: pulumi.Input<number>;
  /** The parts the tenant runs. */
  readonly radius: boolean;
  readonly genieacs: boolean;
  readonly grafana: boolean;
  /** The automation API, which isp-ops reports NAS networks to. */
  readonly platformApiUrl?: string;
  /** The SMTP relay's port, when the tenant sends mail (isp-ops and its billing run). */
  readonly smtpPort?: number;
  /** Stripe's API when it is not Stripe's own on 443 (a Stripe-compatible endpoint or proxy). */
  readonly stripeApiUrl?: string;
}

type Part = "isp-ops" | "isp-ops-billing" | "radius" | "genieacs" | "mongodb" | "prometheus" | "grafana";
type Port = { protocol: "TCP" | "UDP"; port: pulumi.Input<number> };
type Peer =
  | {
      namespaceSelector: { matchLabels: Record<string, string> };
      podSelector?: { matchLabels: Record<string, string> };
    }
  | { podSelector: { matchLabels: Record<string, string> } }
  | { ipBlock: { cidr: string } };
type Rule = { peers: Peer[]; ports: Port[] };

export interface NetworkPolicySpec {
  readonly name: string;
  readonly spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from?: Peer[]; ports?: Port[] }[];
    egress?: { to?: Peer[]; ports?: Port[] }[];
  };
}

/** The label each part's pods carry (and select by). */
export const partSelector = (part: Part) => ({ "app.kubernetes.io/name": part });

const pods = (part: Part): Peer => ({ podSelector: { matchLabels: partSelector(part) } });
const tcp = (...ports: pulumi.Input<number>[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));
const udp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "UDP", port }));
const anywhere: Peer[] = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];

/**
 * Where an HTTP service (the automation API, a Stripe endpoint) is, as a policy rule: an in-cluster Service name
 * (`<service>.<namespace>.svc`) means that namespace's pods named like the Service (as the
 * PlatformStamp labels them); an address means that address; any other host, anywhere on its port.
 */
export function urlEgress(url: string): Rule {
  const { hostname, port, protocol } = new URL(url);
  const ports = tcp(Number(port || (protocol === "https:" ? 443 : 80)));
  const host = hostname.replace(/^\[|\]$/g, "");
  const version = ipVersion(host);
  if (version) return { peers: [{ ipBlock: { cidr: `${host}/${version === 4 ? 32 : 128}` } }], ports };
  const service = host.match(/^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/);
  if (service?.[1] && service[2]) {
    return {
      peers: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": service[2] } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": service[1] } },
        },
      ],
      ports,
    };
  }
  return { peers: anywhere, ports };
}

/** One part's allowances: who may reach it on which ports, and what it may reach. */
function partPolicy(part: Part, rules: { ingress?: Rule[]; egress?: Rule[] }): NetworkPolicySpec {
  const ingress = (rules.ingress ?? []).filter((r) => r.peers.length > 0);
  const egress = (rules.egress ?? []).filter((r) => r.peers.length > 0);
  return {
    name: `allow-${part}`,
    spec: {
      podSelector: { matchLabels: partSelector(part) },
      policyTypes: [
        ...(ingress.length ? ["Ingress" as const] : []),
        ...(egress.length ? ["Egress" as const] : []),
      ],
      ...(ingress.length ? { ingress: ingress.map((r) => ({ from: r.peers, ports: r.ports })) } : {}),
      ...(egress.length ? { egress: egress.map((r) => ({ to: r.peers, ports: r.ports })) } : {}),
    },
  };
}

/**
 * The tenant's network policies: deny everything, then allow each part exactly the peers and
 * ports it needs (one policy per part, so `kubectl get netpol` reads as the list of parts):
 * - isp-ops: from the ingress controller on its port, Prometheus on its metrics port; to the database, RADIUS
 *   control, the GenieACS NBI, the automation API, and HTTPS out (payment and message gateways);
 * - isp-ops-billing (the billing run's CronJob): from nobody; to the database and RADIUS control
 *   (dunning's walled garden and suspensions reach live sessions through it);
 * - both, when the tenant mails: to the SMTP relay's port;
 * - RADIUS: from the NAS networks (auth, accounting), isp-ops and its billing run (control),
 *   Prometheus (metrics); to
 *   the database and the NAS networks (CoA and Disconnect, RFC 5176);
 * - GenieACS: its NBI (which reboots and reconfigures routers) from isp-ops only; to MongoDB;
 * - MongoDB: from GenieACS only;
 * - Prometheus: from Grafana only; to the scrape targets (found in DNS);
 * - Grafana: from the ingress controller only; to Prometheus.
 * Nothing in the platform namespace reaches a tenant pod: the control plane manages tenants
 * through the Kubernetes API, never their pods.
 */
export function networkPolicySpecs(
  spec: Pick<TenantSpec, "slug" | "nasCidrs">,
  opts: NetworkPolicyOptions,
): NetworkPolicySpec[] {
  const ingressController: Peer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": opts.ingressNamespace } },
  };
  const database = {
    peers: opts.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: tcp(opts.databasePort ?? 5432),
  };
  const nas = spec.nasCidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const prometheus = opts.grafana ? [pods("prometheus")] : [];
  // The relay may be anywhere: its port alone is opened, as for HTTPS.
  const smtp = opts.smtpPort && opts.smtpPort !== 443 ? [{ peers: anywhere, ports: tcp(opts.smtpPort) }] : [];
  const policies: NetworkPolicySpec[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
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
            ports: [...udp(53), ...tcp(53)],
          },
        ],
      },
    },
    partPolicy("isp-ops", {
      ingress: [
        { peers: [ingressController], ports: tcp(ISP_OPS_PORT) },
        { peers: prometheus, ports: tcp(ISP_OPS_METRICS_PORT) },
      ],
      egress: [
        database,
        { peers: opts.radius ? [pods("radius")] : [], ports: tcp(RADIUS_CONTROL_PORT) },
        { peers: opts.genieacs ? [pods("genieacs")] : [], ports: tcp(GENIEACS_NBI_PORT) },
        { peers: anywhere, ports: tcp(443) },
        ...(opts.platformApiUrl ? [urlEgress(opts.platformApiUrl)] : []),
        ...(opts.stripeApiUrl ? [urlEgress(opts.stripeApiUrl)] : []),
        ...smtp,
      ],
    }),
    partPolicy("isp-ops-billing", {
      egress: [
        database,
        { peers: opts.radius ? [pods("radius")] : [], ports: tcp(RADIUS_CONTROL_PORT) },
        ...smtp,
      ],
    }),
  ];
  if (opts.radius) {
    policies.push(
      partPolicy("radius", {
        ingress: [
          { peers: nas, ports: udp(RADIUS_AUTH_PORT, RADIUS_ACCT_PORT) },
          { peers: [pods("isp-ops"), pods("isp-ops-billing")], ports: tcp(RADIUS_CONTROL_PORT) },
          { peers: prometheus, ports: tcp(RADIUS_METRICS_PORT) },
        ],
        egress: [database, { peers: nas, ports: udp(RADIUS_COA_PORT) }],
      }),
    );
  }
  if (opts.genieacs) {
    policies.push(
      partPolicy("genieacs", {
        ingress: [{ peers: [pods("isp-ops")], ports: tcp(GENIEACS_NBI_PORT) }],
        egress: [{ peers: [pods("mongodb")], ports: tcp(MONGO_PORT) }],
      }),
      partPolicy("mongodb", { ingress: [{ peers: [pods("genieacs")], ports: tcp(MONGO_PORT) }] }),
    );
  }
  if (opts.grafana) {
    policies.push(
      partPolicy("prometheus", {
        ingress: [{ peers: [pods("grafana")], ports: tcp(PROMETHEUS_PORT) }],
        egress: [
          { peers: [pods("isp-ops")], ports: tcp(ISP_OPS_METRICS_PORT) },
          { peers: opts.radius ? [pods("radius")] : [], ports: tcp(RADIUS_METRICS_PORT) },
        ],
      }),
      partPolicy("grafana", {
        ingress: [{ peers: [ingressController], ports: tcp(GRAFANA_PORT) }],
        egress: [{ peers: [pods("prometheus")], ports: tcp(PROMETHEUS_PORT) }],
      }),
    );
  }
  return policies;
}
