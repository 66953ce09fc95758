import { TenantSpec } from "@dotmac/contracts";
import { IspOpsTenantEnv } from "@dotmac/contracts/app-env";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pgIdentifier, tenantDatabaseName } from "../database/postgres-database.ts";
import { disruptionBudget, ispOpsEnv } from "./isp-ops-env.ts";
import { dashboards, prometheusConfig } from "./monitoring.ts";
import { quotaHard } from "./namespace-specs.ts";
import { networkPolicySpecs, urlEgress } from "./network-policy-specs.ts";

const spec = TenantSpec.parse({
  slug: "city-net",
  tenantId: "0f8e2c4a-1b3d-4e5f-8a9b-7c6d5e4f3a2b",
  displayName: "City Net",
  plan: "starter",
  seats: 3,
});

describe("tenant specs (pure)", () => {
  it("opens each part only to the peers it needs, and leaves out the parts a tenant lacks", () => {
    const opts = {
      ingressNamespace: "ingress-nginx",
      databaseCidrs: ["10.0.0.0/8"],
      radius: true,
      genieacs: true,
      grafana: true,
    };
    const withNas = { ...spec, nasCidrs: ["192.0.2.0/24"] };
    const names = (p: ReturnType<typeof networkPolicySpecs>) => p.map((x) => x.name);
    expect(names(networkPolicySpecs(withNas, opts))).toEqual([
      "default-deny",
      "allow-dns",
      "allow-isp-ops",
      "allow-isp-ops-billing",
      "allow-radius",
      "allow-genieacs",
      "allow-mongodb",
      "allow-prometheus",
      "allow-grafana",
    ]);
    const bare = networkPolicySpecs(spec, { ...opts, radius: false, genieacs: false, grafana: false });
    expect(names(bare)).toEqual(["default-deny", "allow-dns", "allow-isp-ops", "allow-isp-ops-billing"]);
    // isp-ops calls neither RADIUS control nor the NBI where those parts do not run.
    expect(JSON.stringify(bare)).not.toMatch(/9813|7557/);
    // No NAS networks: RADIUS takes packets from no one.
    const radius = networkPolicySpecs(spec, opts).find((p) => p.name === "allow-radius");
    expect(radius?.spec.ingress?.map((r) => r.ports)).not.toContainEqual([
      { protocol: "UDP", port: 1812 },
      { protocol: "UDP", port: 1813 },
    ]);
  });

  it("lets isp-ops reach the automation API where its URL says it is, on its port only", () => {
    expect(urlEgress("http://automation-api.dotmac-platform.svc:8080")).toEqual({
      peers: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dotmac-platform" } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "automation-api" } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    expect(urlEgress("http://10.213.0.1:41234")).toEqual({
      peers: [{ ipBlock: { cidr: "10.213.0.1/32" } }],
      ports: [{ protocol: "TCP", port: 41234 }],
    });
    expect(urlEgress("http://[fd00::1]/").peers).toEqual([{ ipBlock: { cidr: "fd00::1/128" } }]);
    expect(urlEgress("https://api.dotmac.example").ports).toEqual([{ protocol: "TCP", port: 443 }]);
    const opts = { ingressNamespace: "ingress-nginx", databaseCidrs: ["10.0.0.0/8"] };
    const parts = { radius: true, genieacs: false, grafana: false };
    const ispOps = (platformApiUrl?: string) =>
      networkPolicySpecs(spec, { ...opts, ...parts, ...(platformApiUrl ? { platformApiUrl } : {}) }).find(
        (p) => p.name === "allow-isp-ops",
      )?.spec.egress;
    expect(JSON.stringify(ispOps())).not.toMatch(/41234/);
    expect(ispOps("http://10.213.0.1:41234")).toContainEqual({
      to: [{ ipBlock: { cidr: "10.213.0.1/32" } }],
      ports: [{ protocol: "TCP", port: 41234 }],
    });
  });

  it("forbids NodePorts in every quota", () => {
    expect(quotaHard(spec)["services.nodeports"]).toBe("0");
  });

  it("keeps one pod through disruptions only when there is one to spare", () => {
    expect(disruptionBudget(1)).toEqual({ maxUnavailable: 1 });
    expect(disruptionBudget(2)).toEqual({ minAvailable: 1 });
  });

  it("sets only variables isp-ops reads, the RADIUS endpoint only when the plan has RADIUS", () => {
    const env = ispOpsEnv(spec, {
      publicUrl: "https://city.isp.example.net",
      platformApiUrl: "http://automation-api.dotmac-platform:8080",
      mailFrom: "City Net <billing@city.example>",
    });
    expect(Object.keys(env).filter((k) => !(k in IspOpsTenantEnv.shape))).toEqual([]);
    expect(env.NEXT_PUBLIC_TENANT_NAME).toBe("City Net");
    expect(env.RADIUS_CONTROL_URL).toMatch(/^http:\/\/radius-control/);
    const noRadius = ispOpsEnv(TenantSpec.parse({ ...spec, features: ["grafana"] }), {
      publicUrl: "https://city.isp.example.net",
    });
    expect(noRadius.RADIUS_CONTROL_URL).toBeUndefined();
  });

  it("maps every valid slug to a valid Postgres identifier", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{1,38})[a-z0-9]$/), (slug) => {
        expect(tenantDatabaseName(slug)).toMatch(pgIdentifier);
      }),
    );
  });

  it("scrapes only this namespace's isp-ops and radius pods, and ships valid dashboards", () => {
    const config = JSON.parse(prometheusConfig("tenant-city-net"));
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(["isp-ops", "radius"]);
    // Found in DNS, in this namespace alone: the headless Services the Monitoring part makes.
    expect(config.scrape_configs.map((j: { dns_sd_configs: unknown }) => j.dns_sd_configs)).toEqual([
      [{ names: ["isp-ops-metrics.tenant-city-net.svc"], type: "A", port: 9464 }],
      [{ names: ["radius-metrics.tenant-city-net.svc"], type: "A", port: 9812 }],
    ]);
    for (const [file, json] of Object.entries(dashboards)) {
      const d = JSON.parse(json);
      expect(d.uid, file).toMatch(/^dotmac-/);
      expect(d.panels.length, file).toBeGreaterThan(0);
      for (const p of d.panels) expect(p.datasource.uid).toBe("prometheus");
    }
  });
});
