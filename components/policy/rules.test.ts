import { imageRegistries } from "@dotmac/contracts";
import { describe, expect, it } from "vitest";
import {
  allowedImageRegistries,
  containersHardened,
  databasesProtected,
  noSecretsInConfigMaps,
  type Res,
  tenantNamespaceGuardRails,
  tenantResourcesInOwnNamespace,
} from "./rules.ts";

const hardened = {
  name: "app",
  image: "registry.dotmac.io/app:1.0.0",
  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
  resources: { limits: { cpu: "1", memory: "1Gi" } },
};
const deployment = (container: Record<string, unknown>, pod: Record<string, unknown> = {}): Res => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "web",
  props: { spec: { template: { spec: { ...pod, containers: [container] } } } },
});

describe("containers-hardened", () => {
  it("passes a hardened container", () => {
    expect(containersHardened(deployment(hardened))).toEqual([]);
  });
  it.each([
    [
      "privileged",
      { securityContext: { ...hardened.securityContext, privileged: true } },
      /privileged containers/,
    ],
    ["root", { securityContext: { allowPrivilegeEscalation: false } }, /runAsNonRoot/],
    ["uid 0", { securityContext: { ...hardened.securityContext, runAsUser: 0 } }, /uid 0/],
    ["escalation", { securityContext: { runAsNonRoot: true } }, /allowPrivilegeEscalation/],
    ["no limits", { resources: { requests: { cpu: "1" } } }, /cpu and memory limits/],
    [":latest", { image: "registry.dotmac.io/app:latest" }, /uses :latest/],
    ["no tag", { image: "registry.dotmac.io/app" }, /not pinned/],
    ["another registry", { image: "evil.example/miner:1.0" }, /not from an allowed registry/],
    ["no registry at all", { image: "busybox:1.36" }, /not from an allowed registry/],
    ["literal secret", { env: [{ name: "DB_PASSWORD", value: "hunter2" }] }, /secretKeyRef/],
    ["URL with password", { env: [{ name: "DATABASE_URL", value: "postgres://u:p@db/x" }] }, /secretKeyRef/],
  ])("refuses %s", (_what, patch, message) => {
    const found = containersHardened(deployment({ ...hardened, ...patch }));
    expect(found.join("\n")).toMatch(message);
  });
  it("allows the registries the contracts allow, no more", () => {
    expect([...allowedImageRegistries]).toEqual([...imageRegistries]);
  });
  it("accepts runAsNonRoot from the pod, refuses host namespaces", () => {
    const { runAsNonRoot: _, ...rest } = hardened.securityContext;
    expect(
      containersHardened(
        deployment({ ...hardened, securityContext: rest }, { securityContext: { runAsNonRoot: true } }),
      ),
    ).toEqual([]);
    expect(containersHardened(deployment(hardened, { hostNetwork: true })).join()).toMatch(/host's network/);
  });
});

describe("no-secrets-in-configmaps", () => {
  const cm = (data: Record<string, string>): Res => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "cfg",
    props: { data },
  });
  it("passes plain settings and refuses credentials", () => {
    expect(noSecretsInConfigMaps(cm({ TENANT_SLUG: "acme", API_URL: "https://api.example" }))).toEqual([]);
    expect(noSecretsInConfigMaps(cm({ ADMIN_PASSWORD: "x" }))).toHaveLength(1);
    expect(noSecretsInConfigMaps(cm({ URL: "postgres://u:secret@db:5432/x" }))).toHaveLength(1);
  });
});

describe("databases-encrypted-private-backed-up", () => {
  const rds = (p: Record<string, unknown>): Res => ({
    type: "aws:rds/instance:Instance",
    name: "db",
    props: { storageEncrypted: true, publiclyAccessible: false, backupRetentionPeriod: 7, ...p },
  });
  const sql = (s: Record<string, unknown>): Res => ({
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    name: "db",
    props: {
      settings: {
        ipConfiguration: { ipv4Enabled: false },
        backupConfiguration: { enabled: true, backupRetentionSettings: { retainedBackups: 7 } },
        ...s,
      },
    },
  });
  it("passes protected databases", () => {
    expect(databasesProtected(rds({}))).toEqual([]);
    expect(databasesProtected(sql({}))).toEqual([]);
  });
  it("refuses unencrypted, public or briefly backed-up ones", () => {
    expect(databasesProtected(rds({ storageEncrypted: false })).join()).toMatch(/encrypted/);
    expect(databasesProtected(rds({ publiclyAccessible: true })).join()).toMatch(/publicly accessible/);
    expect(databasesProtected(rds({ backupRetentionPeriod: 3 })).join()).toMatch(/at least 7 days/);
    expect(databasesProtected(sql({ ipConfiguration: { ipv4Enabled: true } })).join()).toMatch(
      /no public IP/,
    );
    expect(databasesProtected(sql({ backupConfiguration: { enabled: false } })).join()).toMatch(
      /backups must be enabled/,
    );
  });
});

describe("tenant namespace rules", () => {
  const ns: Res = {
    type: "kubernetes:core/v1:Namespace",
    name: "ns",
    props: {
      metadata: { name: "tenant-acme", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    },
  };
  const inNs = (type: string, spec: Record<string, unknown> = {}, namespace = "tenant-acme"): Res => ({
    type,
    name: type.split(":").pop() ?? type,
    props: { metadata: { namespace }, spec },
  });
  const guardRails = [
    inNs("kubernetes:core/v1:ResourceQuota"),
    inNs("kubernetes:core/v1:LimitRange"),
    inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    }),
  ];

  it("requires quota, limits, default deny and restricted Pod Security", () => {
    expect(tenantNamespaceGuardRails([ns, ...guardRails])).toEqual([]);
    const missing = tenantNamespaceGuardRails([{ ...ns, props: { metadata: { name: "tenant-acme" } } }]);
    expect(missing).toEqual([
      "tenant-acme: must enforce the restricted Pod Security Standard",
      "tenant-acme: has no ResourceQuota",
      "tenant-acme: has no LimitRange",
      "tenant-acme: has no default-deny NetworkPolicy",
    ]);
    // A policy that allows something is not a default deny.
    const allowing = inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{}],
    });
    expect(tenantNamespaceGuardRails([ns, guardRails[0] as Res, guardRails[1] as Res, allowing])).toEqual([
      "tenant-acme: has no default-deny NetworkPolicy",
    ]);
  });

  it("keeps a tenant stack inside its own namespace", () => {
    expect(tenantResourcesInOwnNamespace([ns, ...guardRails])).toEqual([]);
    expect(
      tenantResourcesInOwnNamespace([ns, inNs("kubernetes:core/v1:Secret", {}, "tenant-other")]),
    ).toEqual(["Secret: in namespace tenant-other, outside the tenant's tenant-acme"]);
    expect(
      tenantResourcesInOwnNamespace([
        ns,
        { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", name: "crb", props: {} },
      ]).join(),
    ).toMatch(/may not create cluster-wide/);
    // The platform stack has no tenant namespace; the rule does not apply to it.
    expect(
      tenantResourcesInOwnNamespace([
        { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name: "r", props: {} },
      ]),
    ).toEqual([]);
  });
});
