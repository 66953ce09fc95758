// Long file: `npm start` on a fresh state dir walked through once, as a new user would, from onboarding to a subscriber paying and signing in to the portal, which the platform then switches off; each step needs the one before.
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClusterState } from "../src/cluster/cluster-state.ts";
import { repoRoot } from "../src/env.ts";
import { createPodHost, type PodHost } from "../src/net/pod-network.ts";
import { freePort } from "../src/ports.ts";
import { isAlive, run, waitFor } from "../src/process.ts";
import { hostClient } from "../src/testing.ts";

const SECRET = "npm-start-nas-secret";

/**
 * `npm start` as a new user meets it: the platform comes up with the real node; a tenant
 * onboarded through the API runs its isp-ops and RADIUS as pods there; its isp-ops answers at
 * http://<slug>.localhost:<port> with a first admin; a NAS added there reaches the platform from
 * the pod (the tenant's NAS networks follow), and a router in that network gets an Access-Accept
 * from the RADIUS pod while one outside it gets nothing. Ctrl-C stops everything it started.
 */
describe("npm start with the real node", () => {
  let stateDir: string;
  let child: ChildProcess;
  let output = "";
  let nasInside: PodHost;
  let nasOutside: PodHost;
  const slug = "start-fibre";
  const apiPort = freePort();

  /** The first match of what npm start printed; fails at once if it exited. */
  const printed = async (pattern: RegExp, what: string, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) {
        const why = child.exitCode !== null ? `npm start exited (${child.exitCode})` : "timed out";
        throw new Error(`${why} waiting for ${what}; it printed:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "dotmac-start-"));
    // As a checkout's .dotmac is: Postgres runs as its own OS user and must reach its folder.
    await chmod(stateDir, 0o755);
    [nasInside, nasOutside] = await Promise.all([createPodHost("st-in"), createPodHost("st-out")]);
    child = spawn(process.execPath, [join(repoRoot, "packages/devkit/bin/dotmac-dev.js"), "up"], {
      env: {
        ...process.env,
        DOTMAC_STATE_DIR: stateDir,
        DOTMAC_API_PORT: String(await apiPort),
        KUBECONFIG: "",
        DATABASE_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (d) => (output += d));
    await printed(/DotMac Platform \(local\) is up/, "npm start to be up");
  }, 15 * 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGINT");
      await waitFor("npm start to stop", async () => (child.exitCode !== null ? true : undefined), {
        timeoutMs: 120_000,
        intervalMs: 250,
      }).catch(() => child.kill("SIGKILL"));
    }
    await Promise.all([nasInside?.remove(), nasOutside?.remove()]);
    await rm(stateDir, { recursive: true, force: true });
  });

  it(
    "runs an onboarded tenant's isp-ops and RADIUS as pods, and signs its admin in at <slug>.localhost",
    async () => {
      expect(output).not.toMatch(/FALLBACK/);
      expect(output).toMatch(/real node dotmac-node/);
      const api = `http://127.0.0.1:${await apiPort}/api/platform/v1`;
      const passwordFile = /sign in as admin@dotmac\.localhost, password in (\S+)/.exec(output)?.[1] ?? "";
      const login = await fetch(`${api}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "admin@dotmac.localhost",
          password: (await readFile(passwordFile, "utf8")).trim(),
        }),
      });
      expect(login.status).toBe(200);
      const headers = {
        cookie: (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
        "content-type": "application/json",
      };
      const call = async (path: string, init: { method?: string; json?: unknown } = {}) => {
        const res = await fetch(`${api}${path}`, {
          method: init.method ?? "GET",
          headers,
          ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      const onboarded = await call("/tenants", {
        method: "POST",
        json: {
          slug,
          displayName: "Start Fibre",
          plan: "starter",
          seats: 5,
          admin: { name: "Sam Owner", email: "owner@start-fibre.test" },
        },
      });
      expect(onboarded.status).toBe(202);
      const settled = async (operationId: string) =>
        waitFor(
          `operation ${operationId}`,
          async () => {
            const op = (await call(`/operations/${operationId}`)).body;
            return ["succeeded", "failed", "cancelled"].includes(op.status) ? op : undefined;
          },
          { timeoutMs: 600_000, intervalMs: 1_000 },
        );
      expect(await settled(onboarded.body.operationId)).toMatchObject({ status: "succeeded" });

      // The front door offers it once its isp-ops pod is Ready, with a first admin.
      const ready = await printed(
        new RegExp(
          `tenant ready: ${slug}: (http://${slug}\\.localhost:(\\d+)) {2}\\(sign in as (\\S+), password in (\\S+?);`,
        ),
        "the tenant at its front door",
        120_000,
      );
      const [, frontUrl = "", frontPort, adminEmail, adminPasswordFile] = ready;
      const radiusIp =
        (await printed(/RADIUS (\d+\.\d+\.\d+\.\d+) auth 1812\/udp/, "the RADIUS address"))[1] ?? "";

      const kubeconfig = /kubeconfig: (\S+)/.exec(output)?.[1] ?? "";
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const pods = (await core.listNamespacedPod({ namespace: `tenant-${slug}` })).items;
      for (const app of ["isp-ops", "radius"]) {
        const running = pods.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] === app);
        expect(running.length, app).toBeGreaterThan(0);
        for (const p of running) expect(p.spec?.nodeName, app).toBe("dotmac-node");
      }
      // No host process plays the tenant any more.
      expect(output).not.toMatch(/host process/);

      const staff = hostClient(Number(frontPort), `${slug}.localhost`);
      const signedIn = await staff("POST", "/api/v1/auth/login", {
        email: adminEmail,
        password: (await readFile(adminPasswordFile ?? "", "utf8")).trim(),
      });
      expect(signedIn.status, signedIn.text).toBe(200);
      // An unknown tenant gets a page saying which ones exist, not another tenant's isp-ops.
      const unknown = await hostClient(Number(frontPort), "nobody.localhost")("GET", "/");
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain(slug);

      // A NAS added in isp-ops (a pod) reaches the platform API (a host process) and the policy follows.
      const nas = await staff("POST", "/api/v1/nas", {
        name: "olt-1",
        network: `${nasInside.ip}/32`,
        secret: SECRET,
        requireMessageAuthenticator: true,
      });
      expect(nas.status, nas.text).toBe(201);
      await waitFor(
        "the tenant's NAS networks to follow isp-ops",
        async () => {
          const tenant = (await call(`/tenants/${slug}`)).body;
          return JSON.stringify(tenant.spec?.nasCidrs) === JSON.stringify([`${nasInside.ip}/32`]) &&
            tenant.lastOperation?.status === "succeeded"
            ? true
            : undefined;
        },
        { timeoutMs: 300_000, intervalMs: 1_000 },
      );

      const plan = await staff("POST", "/api/v1/plans", {
        name: "Fibre 100",
        downloadKbps: 100_000,
        uploadKbps: 20_000,
        priceMinor: 2_500,
        currency: "EUR",
      });
      expect(plan.status, plan.text).toBe(201);
      const subscriber = await staff("POST", "/api/v1/subscribers", {
        name: "First Subscriber",
        serviceAddress: "1 Fibre Street",
        email: "first@home.test",
        planId: JSON.parse(plan.text).id,
        username: "first-sub",
        password: "first-sub-password",
      });
      expect(subscriber.status, subscriber.text).toBe(201);
      const activated = await staff("POST", `/api/v1/subscribers/${JSON.parse(subscriber.text).id}/status`, {
        to: "active",
      });
      expect(activated.status, activated.text).toBe(200);

      const requestFile = join(stateDir, "access-request");
      await writeFile(
        requestFile,
        'User-Name = "first-sub"\nUser-Password = "first-sub-password"\nMessage-Authenticator = 0x00\n',
      );
      const radclient = (from: PodHost) =>
        run("ip", [
          "netns",
          "exec",
          from.name,
          "radclient",
          "-r",
          "1",
          "-t",
          "2",
          "-f",
          requestFile,
          `${radiusIp}:1812`,
          "auth",
          SECRET,
        ]).catch(
          (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
        );
      await waitFor(
        "an Access-Accept from the RADIUS pod",
        async () => ((await radclient(nasInside)).includes("Access-Accept") ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );

      // A router outside the tenant's NAS networks gets nothing.
      expect(await radclient(nasOutside)).not.toMatch(/Received/);

      // Billed, paid by card: the isp-ops pod makes a Checkout Session at stripe-mock (the Stripe
      // account the platform gave its stack, its port opened in the tenant's policy), and
      // `dotmac-dev pay` delivers Stripe's signed webhook for it. The pod mails the receipt in the
      // ISP's name through the relay the platform gave its stack to Mailpit.
      const configured = await staff("PATCH", "/api/v1/billing/settings", {
        invoicePrefix: "SF",
        invoiceFooter: "Start Fibre Ltd · VAT GB123",
      });
      expect(configured.status, configured.text).toBe(200);
      expect((await staff("POST", "/api/v1/billing/runs", {})).status).toBe(200);
      const [invoice] = JSON.parse(
        (await staff("GET", `/api/v1/invoices?subscriberId=${JSON.parse(subscriber.text).id}`)).text,
      ).items as { id: string; number: string }[];
      expect(invoice?.number).toMatch(/^SF-\d{4}-/);
      const pdf = await staff("GET", `/api/v1/invoices/${invoice?.id}/pdf`);
      expect([pdf.status, pdf.text.slice(0, 5)]).toEqual([200, "%PDF-"]);
      const checkout = await staff("POST", `/api/v1/invoices/${invoice?.id}/checkout`, {});
      expect(checkout.status, checkout.text).toBe(201);
      expect(JSON.parse(checkout.text).url).toMatch(/^https:\/\//);
      const paid = await run(
        process.execPath,
        [join(repoRoot, "packages/devkit/bin/dotmac-dev.js"), "pay", frontUrl, invoice?.number ?? ""],
        { env: { ...process.env, DOTMAC_STATE_DIR: stateDir } },
      );
      expect(paid).toContain(`${invoice?.number}: paid 25.00 EUR by card`);
      const cardPaid = JSON.parse((await staff("GET", `/api/v1/invoices/${invoice?.id}`)).text);
      expect([cardPaid.status, cardPaid.openMinor]).toEqual(["paid", 0]);
      const mailpit = /Mailpit {9}(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? "";
      const messages = (await (await fetch(`${mailpit}/api/v1/messages`)).json()) as {
        messages: { From: { Name: string; Address: string }; To: { Address: string }[]; Subject: string }[];
      };
      expect(messages.messages.map((m) => [m.From, m.To[0]?.Address, m.Subject])).toContainEqual([
        { Name: "Start Fibre", Address: `billing@${slug}.localhost` },
        "first@home.test",
        "Receipt for your payment of 25.00 EUR",
      ]);

      // The ISP's own admin, named at onboarding: the pod hears of them from the platform and
      // mails an invitation on the front door; they set a password through it and sign in.
      /** The text of the first mail in Mailpit that `wanted` picks, once it has come. */
      const mailText = (
        what: string,
        wanted: (m: { Subject: string; To: { Address: string }[] }) => boolean,
      ) =>
        waitFor(
          what,
          async () => {
            const list = (await (await fetch(`${mailpit}/api/v1/messages`)).json()) as {
              messages: { ID: string; Subject: string; To: { Address: string }[] }[];
            };
            const found = list.messages.find(wanted);
            if (!found) return undefined;
            return ((await (await fetch(`${mailpit}/api/v1/message/${found.ID}`)).json()) as { Text: string })
              .Text;
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
      const invitation = await mailText(
        "the admin's invitation in Mailpit",
        (m) => m.To[0]?.Address === "owner@start-fibre.test",
      );
      const adminToken = new RegExp(`${frontUrl}/set-password\\?token=(dml_[\\w-]+)`).exec(invitation)?.[1];
      expect(adminToken, invitation).toBeDefined();
      const owner = hostClient(Number(frontPort), `${slug}.localhost`);
      const ownerSet = await owner("POST", "/api/v1/auth/password", {
        token: adminToken,
        password: "sam's own long password",
      });
      expect(ownerSet.status, ownerSet.text).toBe(204);
      const ownerIn = await owner("POST", "/api/v1/auth/login", {
        email: "owner@start-fibre.test",
        password: "sam's own long password",
      });
      expect(ownerIn.status, ownerIn.text).toBe(200);

      // The portal: the link the pod mails is on the tenant's front door (the stack's public
      // address), and the subscriber sets a password and signs in through it.
      const invited = await staff(
        "POST",
        `/api/v1/subscribers/${JSON.parse(subscriber.text).id}/portal-invite`,
      );
      expect(invited.status, invited.text).toBe(200);
      const inviteText = await mailText(
        "the portal invitation in Mailpit",
        (m) => m.Subject === "Set your password for Start Fibre",
      );
      const token = new RegExp(`${frontUrl}/portal/set-password\\?token=(dml_[\\w-]+)`).exec(inviteText)?.[1];
      expect(token, inviteText).toBeDefined();
      const customer = hostClient(Number(frontPort), `${slug}.localhost`);
      const set = await customer("POST", "/api/v1/portal/auth/password", {
        token,
        password: "first subscriber's password",
      });
      expect(set.status, set.text).toBe(204);
      const portalLogin = await customer("POST", "/api/v1/portal/auth/login", {
        identifier: "first@home.test",
        password: "first subscriber's password",
      });
      expect(portalLogin.status, portalLogin.text).toBe(200);
      expect(JSON.parse((await customer("GET", "/api/v1/portal/service")).text)).toMatchObject({
        name: "First Subscriber",
        status: "active",
      });

      // The kill switch: the platform turns the portal off for this tenant; within seconds the
      // pod answers every portal page with the ISP's maintenance page and its API with a 503,
      // while staff work on and see the flag; turned back on, the subscriber is back.
      const portalFlag = (enabled: boolean) =>
        call(`/tenants/${slug}/flags/customerPortal`, { method: "PUT", json: { enabled } });
      expect((await portalFlag(false)).status).toBe(200);
      const maintenance = await waitFor(
        "the portal's maintenance page",
        async () => {
          const page = await customer("GET", "/portal");
          return page.status === 503 ? page : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(maintenance.text).toContain("Start Fibre");
      expect(maintenance.text).toContain("under maintenance");
      expect((await customer("GET", "/api/v1/portal/service")).status).toBe(503);
      expect((await staff("GET", "/api/v1/plans")).status).toBe(200);
      const settings = await staff("GET", "/dashboard/settings");
      expect(settings.text).toMatch(/customerPortal<\/dt><dd>off/);
      // The convenience admin of `npm start` and the invited one.
      expect(settings.text).toContain("2 of 5 licensed seats in use");
      expect((await portalFlag(true)).status).toBe(200);
      await waitFor(
        "the portal back",
        async () => ((await customer("GET", "/api/v1/portal/service")).status === 200 ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 500 },
      );

      // The licence's seats cap isp-ops's staff: at two seats, both admins hold them and no one joins.
      expect((await call(`/tenants/${slug}/licence`, { method: "PUT", json: { seats: 2 } })).status).toBe(
        200,
      );
      await waitFor(
        "isp-ops to hear of the licence's two seats",
        async () =>
          (await staff("GET", "/dashboard/settings")).text.includes("2 of 2 licensed seats in use")
            ? true
            : undefined,
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const refused = await staff("POST", "/api/v1/staff", {
        email: "agent@start.test",
        displayName: "Agent",
        password: "a-long-agent-password",
        role: "agent",
        permissions: ["support:read"],
      });
      expect(refused.status, refused.text).toBe(409);
      expect(refused.text).toContain("licence allows 2 staff seats");
    },
    20 * 60_000,
  );

  it("stops everything it started on Ctrl-C", async () => {
    const state = await readClusterState(join(stateDir, "cluster"));
    const pids = Object.entries({ ...state?.pids, ...state?.node?.pids });
    expect(pids.length).toBeGreaterThan(5);
    child.kill("SIGINT");
    await waitFor("npm start to stop", async () => (child.exitCode !== null ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    const alive = pids.filter(([, pid]) => isAlive(pid)).map(([name]) => name);
    expect(
      alive,
      `still running after exit ${child.exitCode}:\n${output.slice(output.indexOf("stopping"))}`,
    ).toEqual([]);
    // Nor any pod of the tenant's: the node took its containers down with it.
    expect(
      (await run("pgrep", ["-f", "radius.mjs serve|isp-ops/dist/server.mjs"]).catch(() => "")).trim(),
    ).toBe("");
  }, 180_000);
});
