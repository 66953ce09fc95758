export interface TlsIngressOptions {
  readonly hosts: readonly string[];
  readonly path: string;
  readonly service: string;
  readonly port: number;
  readonly tlsSecretName: string;
  readonly ingressClassName: string;
  readonly clusterIssuer: string;
}

/** An Ingress for one service on every host, with a cert-manager certificate covering them all. */
export function tlsIngress(o: TlsIngressOptions) {
  return {
    annotations: {
      "cert-manager.io/cluster-issuer": o.clusterIssuer,
      // No ingress controller answers locally; don't wait for an address that never comes.
      "pulumi.com/skipAwait": "true",
    },
    spec: {
      ingressClassName: o.ingressClassName,
      tls: [{ hosts: [...o.hosts], secretName: o.tlsSecretName }],
      rules: o.hosts.map((host) => ({
        host,
        http: {
          paths: [
            {
              path: o.path,
              pathType: "Prefix",
              backend: { service: { name: o.service, port: { number: o.port } } },
            },
          ],
        },
      })),
    },
  };
}
