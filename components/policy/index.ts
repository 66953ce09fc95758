import {
  PolicyPack,
  type ReportViolation,
  type ResourceValidationArgs,
  type StackValidationArgs,
} from "@pulumi/policy";
import {
  containersHardened,
  databasesProtected,
  noSecretsInConfigMaps,
  type Res,
  tenantNamespaceGuardRails,
  tenantResourcesInOwnNamespace,
} from "./rules";

const perResource =
  (rule: (r: Res) => string[]) =>
  (args: ResourceValidationArgs, report: ReportViolation): void => {
    for (const message of rule(args)) report(message);
  };

const perStack =
  (rule: (resources: readonly Res[]) => string[]) =>
  (args: StackValidationArgs, report: ReportViolation): void => {
    for (const message of rule(args.resources)) report(message);
  };

/** Every rule is mandatory: a violation stops the update. The rule's name leads each message. */
new PolicyPack("dotmac", {
  enforcementLevel: "mandatory",
  policies: [
    {
      name: "tenant-namespace-guard-rails",
      description:
        "Every tenant namespace enforces Pod Security restricted and has a quota, a limit range and a default-deny network policy.",
      validateStack: perStack(tenantNamespaceGuardRails),
    },
    {
      name: "tenant-resources-in-own-namespace",
      description: "A tenant stack writes only inside its own namespace.",
      validateStack: perStack(tenantResourcesInOwnNamespace),
    },
    {
      name: "containers-hardened",
      description:
        "Containers run as non-root, without privilege escalation, with cpu and memory limits, from pinned images, with no literal secrets.",
      validateResource: perResource(containersHardened),
    },
    {
      name: "no-secrets-in-configmaps",
      description: "ConfigMaps hold no passwords, tokens or URLs with credentials.",
      validateResource: perResource(noSecretsInConfigMaps),
    },
    {
      name: "databases-encrypted-private-backed-up",
      description:
        "RDS and Cloud SQL instances are encrypted, have no public address, and keep backups at least 7 days.",
      validateResource: perResource(databasesProtected),
    },
  ],
});
