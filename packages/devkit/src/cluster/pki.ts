import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HOST_IP } from "../net/pod-network.ts";
import { run } from "../process.ts";
import { NETPOL_USER, NODE_NAME } from "./node-config.ts";

/** A client or serving identity the control plane needs, signed by the cluster's own CA. */
export interface CertSpec {
  readonly name: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly usage: "client" | "server" | "both";
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
}

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  /** Service-account token signing key pair. */
  readonly saKey: string;
  readonly saPub: string;
  cert(name: string): { cert: string; key: string };
}

/** The identities of a local control plane on 127.0.0.1. */
export function controlPlaneCerts(serviceIp: string): CertSpec[] {
  return [
    {
      name: "apiserver",
      commonName: "kube-apiserver",
      usage: "server",
      dnsNames: [
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
      ],
      // HOST_IP: containers on the pod bridge reach the API server there (see net/pod-network.ts).
      ips: ["127.0.0.1", serviceIp, HOST_IP],
    },
    // system:masters: the developer's and the test suite's identity, and KWOK's (it writes node and pod status).
    { name: "admin", commonName: "dotmac-admin", organization: "system:masters", usage: "client" },
    { name: "controller-manager", commonName: "system:kube-controller-manager", usage: "client" },
    { name: "scheduler", commonName: "system:kube-scheduler", usage: "client" },
    // The API server's identity towards kubelets (logs, exec) and aggregated APIs (metrics-server).
    { name: "apiserver-kubelet-client", commonName: "kube-apiserver-kubelet-client", usage: "client" },
    { name: "front-proxy-client", commonName: "front-proxy-client", usage: "client" },
    // The real node: the kubelet (the Node authorizer knows it by this name), its serving
    // certificate, kube-proxy (bound to system:node-proxier by default) and the policy agent.
    {
      name: "kubelet-client",
      commonName: `system:node:${NODE_NAME}`,
      organization: "system:nodes",
      usage: "client",
    },
    {
      name: "kubelet-serving",
      commonName: NODE_NAME,
      usage: "server",
      dnsNames: [NODE_NAME],
      ips: [HOST_IP],
    },
    { name: "kube-proxy", commonName: "system:kube-proxy", usage: "client" },
    { name: "netpol", commonName: NETPOL_USER, usage: "client" },
  ];
}

function extensions(spec: CertSpec): string {
  const eku = { client: "clientAuth", server: "serverAuth", both: "serverAuth,clientAuth" }[spec.usage];
  const lines = [
    "[v3]",
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${eku}`,
  ];
  const sans = [...(spec.dnsNames ?? []).map((d) => `DNS:${d}`), ...(spec.ips ?? []).map((i) => `IP:${i}`)];
  if (sans.length > 0) lines.push(`subjectAltName=${sans.join(",")}`);
  return `${lines.join("\n")}\n`;
}

async function ecKey(path: string): Promise<void> {
  await run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
}

/**
 * Creates the CA, every certificate and the service-account keys under dir, once. Keys are
 * P-256 (fast to generate); the folder is 0700, readable by its owner only.
 */
export async function ensurePki(dir: string, specs: readonly CertSpec[]): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.crt");
  if (!existsSync(caCert)) {
    await ecKey(caKey);
    await run("openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      caKey,
      "-subj",
      "/CN=dotmac-local-ca",
      "-days",
      "3650",
      "-out",
      caCert,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ]);
  }
  for (const spec of specs) {
    const key = join(dir, `${spec.name}.key`);
    const cert = join(dir, `${spec.name}.crt`);
    // A certificate issued for another spec (a name or address added since) is issued again.
    const specFile = join(dir, `${spec.name}.spec.json`);
    const wanted = JSON.stringify(spec);
    const issuedFor = await readFile(specFile, "utf8").catch(() => (existsSync(cert) ? "(unrecorded)" : ""));
    if (
      existsSync(cert) &&
      (issuedFor === wanted || (issuedFor === "(unrecorded)" && spec.usage === "client"))
    ) {
      continue;
    }
    await ecKey(key);
    const subject = `/CN=${spec.commonName}${spec.organization ? `/O=${spec.organization}` : ""}`;
    const csr = await run("openssl", ["req", "-new", "-key", key, "-subj", subject]);
    const extFile = join(dir, `${spec.name}.ext`);
    await writeFile(extFile, extensions(spec));
    await run(
      "openssl",
      [
        "x509",
        "-req",
        "-CA",
        caCert,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-days",
        "3650",
        "-extfile",
        extFile,
        "-extensions",
        "v3",
        "-out",
        cert,
      ],
      { input: csr },
    );
    await writeFile(specFile, wanted);
  }
  const saKey = join(dir, "service-account.key");
  const saPub = join(dir, "service-account.pub");
  if (!existsSync(saPub)) {
    await ecKey(saKey);
    await run("openssl", ["pkey", "-in", saKey, "-pubout", "-out", saPub]);
  }
  return {
    dir,
    caCert,
    caKey,
    saKey,
    saPub,
    cert: (name) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }),
  };
}
