import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Pki } from "./pki.ts";

export interface KubeconfigSpec {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly user: string;
  readonly context?: string;
}

/** A kubeconfig with the certificates inlined, so it works from any directory. */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  const b64 = async (file: string) => (await readFile(file)).toString("base64");
  const context = spec.context ?? "dotmac-local";
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: context,
        cluster: { server: spec.server, "certificate-authority-data": await b64(spec.caCert) },
      },
    ],
    users: [
      {
        name: spec.user,
        user: {
          "client-certificate-data": await b64(spec.clientCert),
          "client-key-data": await b64(spec.clientKey),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: spec.user } }],
    "current-context": context,
  };
  // JSON is valid YAML, and every Kubernetes client reads it.
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
}

/** The admin's, the controller manager's and the scheduler's kubeconfigs, each with its own certificate. */
export async function writeControlPlaneKubeconfigs(dir: string, server: string, pki: Pki) {
  const paths = {
    kubeconfig: join(dir, "kubeconfig"),
    cmKubeconfig: join(dir, "controller-manager.kubeconfig"),
    schedKubeconfig: join(dir, "scheduler.kubeconfig"),
  };
  const users = [
    [paths.kubeconfig, "admin", "dotmac-admin"],
    [paths.cmKubeconfig, "controller-manager", "system:kube-controller-manager"],
    [paths.schedKubeconfig, "scheduler", "system:kube-scheduler"],
  ] as const;
  for (const [path, cert, user] of users) {
    const { cert: clientCert, key: clientKey } = pki.cert(cert);
    await writeKubeconfig(path, { server, caCert: pki.caCert, clientCert, clientKey, user });
  }
  return paths;
}
