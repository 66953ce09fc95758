import { join } from "node:path";
import { apiRequest, repoRoot } from "@dotmac/devkit";
import {
  type LocalPlatform,
  objectConfig,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
} from "@dotmac/devkit/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The control-plane stack for real, and the proof that its automation API identity can manage
 * tenant namespaces and nothing else: the API server itself refuses the rest.
 */
describe("platform stack on the local platform", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  let pgUrl: string;
  const pulumi = (...args: string[]) => project.pulumi(...args);
  const asApi = (method: string, path: string, body?: unknown) =>
    apiRequest(platform.cluster.credentials, method, path, body, {
      "Impersonate-User": "system:serviceaccount:platform-admin:automation-api",
    });

  beforeAll(async () => {
    platform = await startLocalPlatform({ postgres: true });
    pgUrl = platform.postgres?.url ?? "";
    project = await scratchProject(platform, { prefix: "platform-stack" });
  }, 90 * 60_000);

  afterAll(async () => {
    await project?.remove();
    await platform?.stop();
  });

  it("deploys the control plane and confines the automation API to tenant namespaces", async () => {
    await pulumi("stack", "init", "platform", "--secrets-provider", "passphrase");
    await pulumi("config", "set", "--secret", "postgresAdminUrl", pgUrl);
    const spec = { baseDomain: "dotmac.localhost", automationApiReplicas: 1 };
    await pulumi("config", "set-all", "--json", objectConfig("dotmac:platform", spec));
    const up = await pulumi("up", "--yes", "--policy-pack", join(repoRoot, "components/policy"));
    expect(up).toMatch(/✅ dotmac@v1\.0\.0/);
    const outputs = JSON.parse(await pulumi("stack", "output", "--json"));
    expect(outputs).toMatchObject({
      namespace: "platform-admin",
      adminUrl: "https://admin.dotmac.localhost",
    });

    for (const name of ["automation-api", "platform-admin"]) {
      const res = await apiRequest(
        platform.cluster.credentials,
        "GET",
        `/apis/apps/v1/namespaces/platform-admin/deployments/${name}`,
      );
      const d = JSON.parse(res.body) as { status?: { availableReplicas?: number } };
      expect(d.status?.availableReplicas, name).toBe(1);
    }
    const admin = postgres(pgUrl, { max: 1 });
    expect(await admin`select 1 from pg_database where datname = 'dotmac_platform'`).toHaveLength(1);
    await admin.end();

    // What the automation API may do: create a tenant namespace and bind itself the tenant role there.
    const ns = `tenant-rbac-${uniqueSuffix()}`;
    expect((await asApi("POST", "/api/v1/namespaces", { metadata: { name: ns } })).status).toBe(201);
    const binding = {
      metadata: { name: "dotmac-automation-api" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "dotmac-tenant-manager" },
      subjects: [{ kind: "ServiceAccount", name: "automation-api", namespace: "platform-admin" }],
    };
    expect(
      (await asApi("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, binding))
        .status,
    ).toBe(201);
    const cm = { metadata: { name: "settings" }, data: { a: "b" } };
    // The fresh binding reaches the authorizer's cache within moments.
    let created = 0;
    for (let i = 0; i < 50 && created !== 201; i++) {
      created = (await asApi("POST", `/api/v1/namespaces/${ns}/configmaps`, cm)).status;
      if (created !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created).toBe(201);

    // And what it may not: read other namespaces, write outside tenant-*, or bind other roles.
    expect((await asApi("GET", "/api/v1/namespaces/kube-system/secrets")).status).toBe(403);
    expect((await asApi("GET", "/api/v1/namespaces/platform-admin/secrets/platform-db")).status).toBe(403);
    const rogue = await asApi("POST", "/api/v1/namespaces", { metadata: { name: "not-a-tenant" } });
    // RBAC would allow these; the admission policy refuses them (422 Invalid, with its message).
    expect(rogue.status).toBe(422);
    expect(JSON.parse(rogue.body).message).toMatch(
      /dotmac-automation-api-tenant-only.*may only manage namespaces named tenant-<slug>/,
    );
    // A namespace someone else made (the API server itself protects kube-system and default).
    const foreign = `team-${uniqueSuffix()}`;
    await apiRequest(platform.cluster.credentials, "POST", "/api/v1/namespaces", {
      metadata: { name: foreign },
    });
    expect((await asApi("DELETE", `/api/v1/namespaces/${foreign}`)).status).toBe(422);
    const escalate = {
      ...binding,
      metadata: { name: "escalate" },
      roleRef: { ...binding.roleRef, name: "cluster-admin" },
    };
    expect(
      (await asApi("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, escalate))
        .status,
    ).toBe(403);
    const outside = await asApi(
      "POST",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
      binding,
    );
    expect(outside.status).toBe(422);
    expect(JSON.parse(outside.body).message).toMatch(/only write inside tenant-<slug> namespaces/);

    await pulumi("destroy", "--yes", "--skip-preview");
    const after = postgres(pgUrl, { max: 1 });
    expect(await after`select 1 from pg_database where datname = 'dotmac_platform'`).toHaveLength(0);
    await after.end();
  });
});
