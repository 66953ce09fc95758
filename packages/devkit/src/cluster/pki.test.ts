import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeKubeconfig } from "./kubeconfig.ts";
import { controlPlaneCerts, ensurePki, type Pki } from "./pki.ts";

describe("cluster PKI", () => {
  let dir: string;
  let pki: Pki;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-pki-"));
    pki = await ensurePki(join(dir, "pki"), controlPlaneCerts("10.96.0.1"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("signs a serving certificate for 127.0.0.1 and the in-cluster service names", async () => {
    const ca = new X509Certificate(await readFile(pki.caCert));
    const serving = new X509Certificate(await readFile(pki.cert("apiserver").cert));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(serving.checkIP("10.96.0.1")).toBe("10.96.0.1");
    expect(serving.checkHost("kubernetes.default.svc")).toBe("kubernetes.default.svc");
    expect(serving.checkHost("evil.example")).toBeUndefined();
    expect(serving.ca).toBe(false);
    expect(ca.ca).toBe(true);
  });

  it("gives each component its RBAC identity", async () => {
    const subject = async (name: string) => new X509Certificate(await readFile(pki.cert(name).cert)).subject;
    expect(await subject("admin")).toContain("O=system:masters");
    expect(await subject("controller-manager")).toContain("CN=system:kube-controller-manager");
    expect(await subject("scheduler")).toContain("CN=system:kube-scheduler");
    expect((await stat(join(dir, "pki"))).mode & 0o777).toBe(0o700);
  });

  it("reuses what exists instead of issuing new certificates", async () => {
    const before = await readFile(pki.cert("admin").cert, "utf8");
    await ensurePki(join(dir, "pki"), controlPlaneCerts("10.96.0.1"));
    expect(await readFile(pki.cert("admin").cert, "utf8")).toBe(before);
  });

  it("writes a self-contained kubeconfig, private to its owner", async () => {
    const path = join(dir, "kubeconfig");
    const admin = pki.cert("admin");
    await writeKubeconfig(path, {
      server: "https://127.0.0.1:6443",
      caCert: pki.caCert,
      clientCert: admin.cert,
      clientKey: admin.key,
      user: "dotmac-admin",
    });
    const doc = JSON.parse(await readFile(path, "utf8"));
    expect(doc["current-context"]).toBe("dotmac-local");
    expect(doc.clusters[0].cluster.server).toBe("https://127.0.0.1:6443");
    expect(Buffer.from(doc.users[0].user["client-key-data"], "base64").toString()).toContain("PRIVATE KEY");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
