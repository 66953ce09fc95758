import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import {
  apiRequest,
  freePort,
  type LocalAutomationApi,
  pulumiEnv,
  repoRoot,
  startLocalAutomationApi,
} from "@dotmac/devkit";
import {
  type LocalPlatform,
  launchChromium,
  scratchDir,
  serveBuiltApp,
  startLocalPlatform,
  stepScreenshots,
} from "@dotmac/devkit/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const app = join(repoRoot, "apps/platform-admin");
const artifacts = join(app, "test-artifacts/e2e");

/**
 * The admin app in Debian's Chromium against the real automation API, embedded Postgres, local
 * control plane and Pulumi engine: onboard an ISP through the wizard, watch it deploy, suspend
 * it, delete it. Screenshots of each step go to test-artifacts/.
 */
describe("platform admin in a browser", () => {
  let platform: LocalPlatform;
  let scratch: { path: string; remove(): Promise<void> };
  let automation: LocalAutomationApi;
  let stopServer: (() => void) | undefined;
  let browser: Browser;
  let page: Page;
  let url: string;
  const screenshot = stepScreenshots(artifacts);
  const shot = (name: string) => screenshot(page, name);

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    platform = await startLocalPlatform({ postgres: true });
    scratch = await scratchDir("platform-admin");
    await mkdir(join(scratch.path, "state"), { recursive: true });
    automation = await startLocalAutomationApi({
      stateDir: scratch.path,
      postgresUrl: platform.postgres?.url ?? "",
      pulumiEnv: pulumiEnv(platform.toolchain, { KUBECONFIG: platform.cluster.kubeconfig }),
      backendUrl: fileBackendUrl(join(scratch.path, "state")),
      passphrase: "e2e-passphrase",
      port: await freePort(),
    });
    const served = await serveBuiltApp({
      app: "platform-admin",
      bin: "dotmac-admin.js",
      readyPath: "/login",
      env: { AUTOMATION_API_URL: automation.url },
    });
    url = served.url;
    stopServer = served.stop;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30 * 60_000);
  afterAll(async () => {
    await browser?.close();
    stopServer?.();
    await automation?.service.stop();
    await platform?.stop();
    await scratch?.remove();
  });

  /** Waits on the live page until the operation ends, and says how (or shows why not). */
  const finish = async () => {
    const status = page.getByTestId("operation-status");
    try {
      await page.waitForFunction(
        () =>
          ["succeeded", "failed", "cancelled"].includes(
            document.querySelector("[data-testid=operation-status]")?.textContent ?? "",
          ),
        undefined,
        { timeout: 240_000 },
      );
    } catch (error) {
      await shot("timed-out");
      const id = page.url().split("/").at(-1);
      const op = await page.evaluate(
        async (opId) => (await fetch(`/api/platform/v1/operations/${opId}`)).text(),
        id,
      );
      const log = await readFile(automation.logFile, "utf8").catch(() => "");
      throw new Error(`${(error as Error).message}\noperation: ${op}\napi log:\n${log.slice(-3000)}`);
    }
    return status.textContent();
  };

  it("keeps its API proxy inside the API's base path", async () => {
    for (const path of ["%2e%2e/%2e%2e/%2e%2e/metrics", "./auth/me", "..%2F..%2Fmetrics"]) {
      const res = await fetch(`${url}/api/platform/v1/${path}`);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(await res.text(), path).not.toMatch(/process_cpu_seconds_total/);
    }
  });

  it("onboards an ISP through the wizard, watches it deploy, suspends and deletes it", async () => {
    await page.goto(`${url}/tenants`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel("E-mail").fill(automation.adminEmail);
    await page.getByLabel("Password").fill((await readFile(automation.adminPasswordFile, "utf8")).trim());
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/tenants$/);
    await page.getByText("No ISPs yet.").waitFor();
    await shot("empty");

    await page.getByRole("link", { name: "Onboard the first one" }).click();
    await page.getByLabel("Slug", { exact: true }).fill("Bad Slug");
    await page.getByText(/a slug is lower-case letters/).waitFor();
    await page.getByLabel("Slug", { exact: true }).fill("e2e-fibre");
    await page.getByText("e2e-fibre is available").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("E2E Fibre");
    await page.getByLabel(/^Seats/).fill("3");
    await page.getByLabel("Admin's name").fill("Ada Owner");
    await page.getByLabel("Admin's e-mail").fill("ada@e2e-fibre.test");
    // A NAS network that is no network: the review sends the wizard back, naming the entry.
    const nasField = page.getByLabel(/^NAS networks/);
    await nasField.fill("100.64.0.0/33");
    await page.getByRole("button", { name: "Next: branding" }).click();
    await page.getByRole("button", { name: "Next: review" }).click();
    await page.getByText("100.64.0.0/33: expected a CIDR such as 10.20.0.0/16").waitFor();
    await nasField.fill("100.64.0.0/24");
    await shot("wizard-details");
    await page.getByRole("button", { name: "Next: branding" }).click();
    await page.getByLabel("Primary colour").fill("#7a1fa2");
    await shot("wizard-branding");
    await page.getByRole("button", { name: "Next: review" }).click();
    await page.getByText(/The stamp will create \d+ resources/).waitFor({ timeout: 180_000 });
    expect(await page.getByText("kubernetes:core/v1:Namespace").count()).toBeGreaterThan(0);
    await shot("wizard-review");
    await page.getByRole("button", { name: "Onboard E2E Fibre" }).click();
    await page.waitForURL(/\/operations\/[0-9a-f-]{36}$/);
    await page.getByRole("cell", { name: /creat/ }).first().waitFor({ timeout: 120_000 });
    await shot("deploying");
    expect(await finish()).toBe("succeeded");
    await page.getByRole("link", { name: "https://e2e-fibre.isp.dotmac.io", exact: true }).waitFor();
    await shot("deployed");

    // A reload replays the stream from the start and lands on the same outcome.
    await page.reload();
    expect(await finish()).toBe("succeeded");

    await page.getByRole("link", { name: "Tenants", exact: true }).click();
    const row = page.getByRole("row", { name: /E2E Fibre/ });
    await row.getByText("active").waitFor();
    await shot("tenants-active");

    // The ISP admin named in the wizard, and a new invitation for them.
    await row.getByRole("link", { name: "E2E Fibre" }).click();
    await page.getByText("Ada Owner <ada@e2e-fibre.test> is invited").waitFor();
    await page.getByRole("button", { name: "Resend invitation" }).click();
    await page.getByText("A new invitation goes to ada@e2e-fibre.test within seconds.").waitFor();
    await shot("tenant-admin-invitation");

    // A rollout of a new isp-ops image to this tenant, watched per tenant.
    await page.getByRole("link", { name: "Fleet rollout" }).click();
    await page.getByLabel("isp-ops image").fill("registry.dotmac.io/dotmac/isp-ops:1.1.0");
    await page.getByLabel(/E2E Fibre/).check();
    await page.getByRole("button", { name: "Start rollout" }).click();
    await page.waitForURL(/\/operations\//);
    expect(await finish()).toBe("succeeded");
    await page.getByRole("heading", { name: "Tenants: 1 of 1 finished" }).waitFor({ timeout: 30_000 });
    await shot("fleet-rollout");

    // A CI token: its secret is shown once, then only its prefix.
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name").fill("ci-pipeline");
    await page.getByLabel("platform:fleet:write").check();
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("new-token").textContent()) ?? "";
    expect(secret).toMatch(/^dmp_/);
    await page.reload();
    await page.getByRole("cell", { name: "ci-pipeline", exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await shot("tokens");

    // A flag on for everyone, off for this tenant.
    await page.getByRole("link", { name: "Feature flags" }).click();
    await page.getByLabel("Flag key").fill("billing.v2");
    await page.getByLabel("Enabled").check();
    await page.getByRole("button", { name: "Set flag" }).click();
    await page.getByRole("cell", { name: "every tenant" }).waitFor();
    await page.getByLabel("Flag key").fill("billing.v2");
    await page.getByLabel(/^Tenant slug/).fill("e2e-fibre");
    await page.getByRole("button", { name: "Set flag" }).click();
    await page.getByRole("cell", { name: "override for e2e-fibre" }).waitFor();
    await shot("flags");

    // The audit log, narrowed to one action.
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByLabel("Action").fill("tenant.create");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=tenant.create/);
    const actions = await page.locator("table.data tbody tr td:nth-child(3)").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["tenant.create"]));
    await shot("audit");

    // The NAS networks given in the wizard opened RADIUS; the tenant page changes them.
    const radiusSources = async () => {
      const res = await apiRequest(
        platform.cluster.credentials,
        "GET",
        "/apis/networking.k8s.io/v1/namespaces/tenant-e2e-fibre/networkpolicies/allow-radius",
      );
      const policy = JSON.parse(res.body) as {
        spec: { ingress: { from?: { ipBlock?: { cidr: string } }[] }[] };
      };
      return policy.spec.ingress.flatMap((r) =>
        (r.from ?? []).flatMap((f) => (f.ipBlock ? [f.ipBlock.cidr] : [])),
      );
    };
    expect(await radiusSources()).toEqual(["100.64.0.0/24"]);
    await page.goto(`${url}/tenants/e2e-fibre`);
    const nasNetworks = page.getByLabel(/^NAS networks/);
    expect(await nasNetworks.inputValue()).toBe("100.64.0.0/24");
    await nasNetworks.fill("100.64.0.0/24, 203.0.113.300/24");
    await page.getByRole("button", { name: "Save NAS networks" }).click();
    await page.getByText("203.0.113.300/24: expected a CIDR").waitFor();
    await nasNetworks.fill("100.64.0.0/24, 203.0.113.0/24");
    await shot("nas-networks");
    await page.getByRole("button", { name: "Save NAS networks" }).click();
    await page.waitForURL(/\/operations\//);
    expect(await finish()).toBe("succeeded");
    expect(await radiusSources()).toEqual(["100.64.0.0/24", "203.0.113.0/24"]);

    await page.goto(`${url}/tenants/e2e-fibre`);
    await page.getByRole("button", { name: "Suspend" }).click();
    await page.waitForURL(/\/operations\//);
    expect(await finish()).toBe("succeeded");
    await page.goto(`${url}/tenants/e2e-fibre`);
    await page.locator(".ui-badge", { hasText: "suspended" }).waitFor();
    await shot("suspended");

    const remove = page.getByRole("button", { name: "Delete e2e-fibre" });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel("Slug", { exact: true }).fill("e2e-fibre");
    await remove.click();
    await page.waitForURL(/\/operations\//);
    expect(await finish()).toBe("succeeded");
    await shot("deleted");
    await page.goto(`${url}/tenants`);
    await page.getByText("No ISPs yet.").waitFor();
  }, 900_000);
});
