/**
 * The guard rails as pure functions over what the engine hands a policy: a resource's type and
 * properties, or every resource of a stack. Each returns the violations it finds, as messages.
 * Values the engine does not know yet (previews) are skipped, never guessed.
 */

export interface Res {
  readonly type: string;
  readonly props: Record<string, any>;
  readonly name: string;
}

const WORKLOADS: Record<string, (props: Record<string, any>) => Record<string, any> | undefined> = {
  "kubernetes:apps/v1:Deployment": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template?.spec,
  "kubernetes:batch/v1:Job": (p) => p.spec?.template?.spec,
  "kubernetes:batch/v1:CronJob": (p) => p.spec?.jobTemplate?.spec?.template?.spec,
  "kubernetes:core/v1:Pod": (p) => p.spec,
};

const SECRET_NAME = /(pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential)/i;
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

/** The registries images may come from: packages/contracts' imageRegistries (this pack is CommonJS). */
export const allowedImageRegistries: readonly string[] = ["registry.dotmac.io"];

/** Containers run as non-root, without privilege, with limits, from pinned images of our registries. */
export function containersHardened(r: Res): string[] {
  const podSpec = WORKLOADS[r.type]?.(r.props);
  if (!podSpec) return [];
  const out: string[] = [];
  const podNonRoot = podSpec.securityContext?.runAsNonRoot === true;
  if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC)
    out.push(`${r.name}: pods may not share the host's network, PID or IPC namespace`);
  for (const c of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `${r.name}/${c.name}`;
    if (sc.privileged === true) out.push(`${where}: privileged containers are not allowed`);
    if (sc.runAsNonRoot !== true && !podNonRoot) out.push(`${where}: must set runAsNonRoot: true`);
    if (sc.runAsUser === 0) out.push(`${where}: must not run as uid 0`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: must set allowPrivilegeEscalation: false`);
    if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory)
      out.push(`${where}: must declare cpu and memory limits`);
    if (typeof c.image === "string") {
      const tagged =
        /@sha256:[a-f0-9]{64}$/.test(c.image) || /:[\w][\w.-]*$/.test(c.image.split("/").pop() ?? "");
      if (!tagged) out.push(`${where}: image ${c.image} is not pinned to a tag or digest`);
      else if (/:latest(@|$)/.test(c.image)) out.push(`${where}: image ${c.image} uses :latest`);
      if (!allowedImageRegistries.includes(c.image.split("/")[0] ?? "")) {
        out.push(
          `${where}: image ${c.image} is not from an allowed registry (${allowedImageRegistries.join(", ")})`,
        );
      }
    }
    for (const e of c.env ?? []) {
      if (
        typeof e.value === "string" &&
        e.value !== "" &&
        (SECRET_NAME.test(e.name) || URL_WITH_PASSWORD.test(e.value))
      ) {
        out.push(`${where}: env ${e.name} holds a secret as a literal value; use a secretKeyRef`);
      }
    }
  }
  return out;
}

/** No credentials in ConfigMaps (they are readable by anything that can read config). */
export function noSecretsInConfigMaps(r: Res): string[] {
  if (r.type !== "kubernetes:core/v1:ConfigMap") return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(r.props.data ?? {})) {
    if (typeof value !== "string" || value === "") continue;
    if (SECRET_NAME.test(key) || URL_WITH_PASSWORD.test(value))
      out.push(`${r.name}: ConfigMap key ${key} holds a secret; use a Secret`);
  }
  return out;
}

/** Databases are encrypted, private and backed up for at least a week. */
export function databasesProtected(r: Res): string[] {
  const p = r.props;
  if (r.type === "aws:rds/instance:Instance") {
    const out: string[] = [];
    if (p.storageEncrypted !== true) out.push(`${r.name}: RDS storage must be encrypted`);
    if (p.publiclyAccessible === true) out.push(`${r.name}: RDS must not be publicly accessible`);
    if (typeof p.backupRetentionPeriod === "number" && p.backupRetentionPeriod < 7)
      out.push(`${r.name}: RDS backups must be kept at least 7 days`);
    if (p.backupRetentionPeriod === undefined)
      out.push(`${r.name}: RDS backups must be kept at least 7 days`);
    return out;
  }
  if (r.type === "gcp:sql/databaseInstance:DatabaseInstance") {
    const out: string[] = [];
    const s = p.settings ?? {};
    if (s.ipConfiguration?.ipv4Enabled !== false)
      out.push(`${r.name}: Cloud SQL must have no public IP (ipv4Enabled: false)`);
    if (s.backupConfiguration?.enabled !== true) out.push(`${r.name}: Cloud SQL backups must be enabled`);
    const kept = s.backupConfiguration?.backupRetentionSettings?.retainedBackups;
    if (typeof kept === "number" && kept < 7) out.push(`${r.name}: Cloud SQL must keep at least 7 backups`);
    return out;
  }
  return [];
}

const isK8s = (r: Res) => r.type.startsWith("kubernetes:");
const nameOf = (r: Res): string | undefined => r.props.metadata?.name;
const nsOf = (r: Res): string | undefined => r.props.metadata?.namespace;
const CLUSTER_SCOPED =
  /^kubernetes:(core\/v1:(Namespace|Node|PersistentVolume)|rbac\.authorization\.k8s\.io\/v1:ClusterRole(Binding)?|admissionregistration\.k8s\.io\/v1:|storage\.k8s\.io\/v1:StorageClass|apiextensions\.k8s\.io\/v1:CustomResourceDefinition|scheduling\.k8s\.io\/v1:PriorityClass|networking\.k8s\.io\/v1:IngressClass)/;

/** Every tenant namespace carries its guard rails: PSA restricted, a quota, limits, default deny. */
export function tenantNamespaceGuardRails(resources: readonly Res[]): string[] {
  const out: string[] = [];
  for (const ns of resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) {
    const name = nameOf(ns);
    if (!name?.startsWith("tenant-")) continue;
    const inNs = resources.filter((r) => nsOf(r) === name);
    if (ns.props.metadata?.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted") {
      out.push(`${name}: must enforce the restricted Pod Security Standard`);
    }
    if (!inNs.some((r) => r.type === "kubernetes:core/v1:ResourceQuota"))
      out.push(`${name}: has no ResourceQuota`);
    if (!inNs.some((r) => r.type === "kubernetes:core/v1:LimitRange")) out.push(`${name}: has no LimitRange`);
    const denyAll = inNs.some((r) => {
      const s = r.props.spec;
      return (
        r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
        s &&
        Object.keys(s.podSelector ?? {}).length === 0 &&
        ["Ingress", "Egress"].every((t) => s.policyTypes?.includes(t)) &&
        !s.ingress?.length &&
        !s.egress?.length
      );
    });
    if (!denyAll) out.push(`${name}: has no default-deny NetworkPolicy`);
  }
  return out;
}

/** A tenant stack writes only inside its own namespace, and nothing cluster-wide but that namespace. */
export function tenantResourcesInOwnNamespace(resources: readonly Res[]): string[] {
  const tenantNamespaces = resources
    .filter((r) => r.type === "kubernetes:core/v1:Namespace")
    .map(nameOf)
    .filter((n): n is string => n?.startsWith("tenant-") === true);
  if (tenantNamespaces.length === 0) return [];
  if (tenantNamespaces.length > 1)
    return [`a tenant stack holds one tenant namespace, not ${tenantNamespaces.join(", ")}`];
  const own = tenantNamespaces[0];
  const out: string[] = [];
  for (const r of resources.filter(isK8s)) {
    if (r.type === "kubernetes:core/v1:Namespace") continue;
    if (CLUSTER_SCOPED.test(r.type)) {
      out.push(`${r.name}: a tenant stack may not create cluster-wide ${r.type}`);
      continue;
    }
    const ns = nsOf(r);
    if (ns !== undefined && ns !== own)
      out.push(`${r.name}: in namespace ${ns}, outside the tenant's ${own}`);
  }
  return out;
}
