import { readFile, writeFile } from "node:fs/promises";

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
