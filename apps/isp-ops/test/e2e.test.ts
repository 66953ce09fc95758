// Long file: one browser session through the staff app, in the order a new ISP works; the Next build and Chromium are started once.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkoutCompleted,
  devkitEnv,
  freePort,
  type Mailpit,
  type RadiusProcess,
  radclient,
  repoRoot,
  run,
  type StripeMock,
  startMailpit,
  startRadiusProcess,
  startStripeMock,
} from "@dotmac/devkit";
import { launchChromium, serveBuiltApp, stepScreenshots } from "@dotmac/devkit/testing";
import { radiusCredentials, subscriberStatusHistory, subscribers } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, periodContaining, prorate, today } from "../src/server/billing/money.ts";

const app = join(repoRoot, "apps/isp-ops");
const artifacts = join(app, "test-artifacts/e2e");
const ADMIN = { email: "owner@fastfiber.test", password: "a-long-staff-password" };
const WEBHOOK_SECRET = "whsec_e2e_fastfiber";
const NAS_SECRET = "bng-e2e-shared-secret";

/**
 * The real app (next build, then `dotmac-isp-ops serve`) on the embedded Postgres, driven by
 * Debian's Chromium: a staff member's first day, then a subscriber's billing from activation to
 * a card payment. Beside it the tenant's RADIUS server (`dotmac-radius serve`), Mailpit as its
 * mail relay and stripe-mock as Stripe. Screenshots of each step go to test-artifacts/.
 */
describe("isp-ops in a browser", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let stopServer: (() => void) | undefined;
  let browser: Browser;
  let page: Page;
  let url: string;
  let env: Record<string, string>;
  let mailpit: Mailpit;
  let stripe: StripeMock;
  let radius: RadiusProcess;
  const screenshot = stepScreenshots(artifacts);
  const shot = (name: string) => screenshot(page, name);

  /** Stripe's signed webhook for a completed Checkout Session (stripe-mock sends none). */
  const paidByCard = async (
    name: string,
    paid: { invoiceId: string; subscriberId: string; amountMinor: number },
  ) => {
    const { payload, signature } = checkoutCompleted(
      {
        eventId: `evt_e2e_${name}`,
        sessionId: `cs_test_${name}`,
        paymentIntent: `pi_test_${name}`,
        currency: "EUR",
        ...paid,
      },
      WEBHOOK_SECRET,
    );
    const webhook = await fetch(`${url}/api/v1/payments/stripe/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: payload,
    });
    expect(webhook.status, await webhook.text()).toBe(200);
  };

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    t = await startTenantDatabase();
    const secretsKey = Buffer.alloc(32, 8).toString("base64");
    [mailpit, stripe, radius] = await Promise.all([
      startMailpit(devkitEnv()),
      startStripeMock(devkitEnv()),
      mkdtemp(join(tmpdir(), "radius-e2e-")).then((dir) =>
        startRadiusProcess(
          "radius-e2e",
          { DATABASE_URL: t.url, TENANT_SECRETS_KEY: secretsKey, LOG_LEVEL: "error" },
          join(dir, "radius.log"),
        ),
      ),
    ]);
    const port = await freePort();
    // What the stamp gives the tenant's Deployment and its billing CronJob.
    env = {
      TENANT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: t.url,
      TENANT_SECRETS_KEY: secretsKey,
      TENANT_SLUG: "fastfiber",
      NEXT_PUBLIC_TENANT_NAME: "Fast Fiber",
      NEXT_PUBLIC_PRIMARY_COLOR: "#7a1fa2",
      RADIUS_CONTROL_URL: `http://127.0.0.1:${radius.controlPort}`,
      SMTP_URL: mailpit.smtpUrl,
      MAIL_FROM: "Fast Fiber <billing@fastfiber.test>",
      STRIPE_SECRET_KEY: "sk_test_fastfiber",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
    };
    const served = await serveBuiltApp({
      port,
      app: "isp-ops",
      bin: "dotmac-isp-ops.js",
      readyPath: "/api/readyz",
      env: {
        ...env,
        ISP_OPS_METRICS_PORT: "0",
        ISP_OPS_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      },
    });
    url = served.url;
    stopServer = served.stop;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    stopServer?.();
    await Promise.all([radius?.service.stop(), mailpit?.stop(), stripe?.stop()]);
    await t?.stop();
  });

  it("signs in, creates a plan and a subscriber, activates, suspends and resumes them", async () => {
    await page.goto(`${url}/dashboard`);
    await page.waitForURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Fast Fiber" }).textContent()).resolves.toBe("Fast Fiber");
    await page.getByLabel("E-mail").fill(ADMIN.email);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    // (Next's route announcer is an empty alert too, hence the filter.)
    await page.getByRole("alert").filter({ hasText: "wrong e-mail or password" }).waitFor();
    await shot("login-refused");
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.getByText("Active subscribers").waitFor();
    await shot("dashboard");

    await page.getByRole("link", { name: "Plans", exact: true }).click();
    await page.getByText("No plans yet").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Fibre 500");
    await page.getByLabel("Download (Mbit/s)").fill("500");
    await page.getByLabel("Upload (Mbit/s)").fill("100");
    await page.getByLabel("Price per cycle").fill("39.99");
    await page.getByRole("button", { name: "Create plan" }).click();
    await page.getByRole("cell", { name: "Fibre 500" }).waitFor();
    expect(await page.getByRole("cell", { name: "500 Mbit/s / 100 Mbit/s" }).count()).toBe(1);
    await shot("plan-created");

    await page.getByRole("link", { name: "Subscribers", exact: true }).click();
    await page.getByText("No subscribers match.").waitFor();
    await page.getByRole("link", { name: "New subscriber" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Ada Lovelace");
    await page.getByLabel("Service address").fill("12 Analytical Row");
    await page.getByLabel("Plan").selectOption({ label: "Fibre 500" });
    await page.getByLabel("RADIUS username").fill("ada");
    await page.getByLabel("RADIUS password").fill("short");
    await page.getByRole("button", { name: "Create subscriber" }).click();
    // The server's field error is shown next to the field; nothing was created.
    await page.locator("#field-password-error").waitFor();
    await shot("subscriber-field-error");
    await page.getByLabel("RADIUS password").fill("ada-router-password");
    await page.getByRole("button", { name: "Create subscriber" }).click();
    await page.waitForURL(/\/dashboard\/subscribers\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: /Ada Lovelace/ }).waitFor();
    expect(await page.locator(".ui-badge").textContent()).toBe("pending");
    expect(await page.content()).not.toContain("ada-router-password");
    await shot("subscriber-pending");

    await page.getByRole("button", { name: "Activate" }).click();
    await page.locator(".ui-badge", { hasText: "active" }).waitFor();
    await shot("subscriber-active");
    await page.getByRole("button", { name: "Suspend" }).click();
    await page.getByRole("status").filter({ hasText: "say why" }).waitFor();
    await page.getByLabel("Reason").fill("unpaid invoice 2026-11");
    await page.getByRole("button", { name: "Suspend" }).click();
    await page.locator(".ui-badge", { hasText: "suspended" }).waitFor();
    await page.getByText("active → suspended (unpaid invoice 2026-11)").waitFor();
    await shot("subscriber-suspended");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.locator(".ui-badge", { hasText: "active" }).waitFor();
    await shot("subscriber-resumed");

    const [cred] = await t.db.select().from(radiusCredentials).where(eq(radiusCredentials.username, "ada"));
    const [ada] = await t.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.id, cred?.subscriberId ?? ""));
    expect(ada?.status).toBe("active");
    const history = await t.db
      .select()
      .from(subscriberStatusHistory)
      .where(eq(subscriberStatusHistory.subscriberId, ada?.id ?? ""))
      .orderBy(subscriberStatusHistory.id);
    expect(history.map((h) => h.toStatus)).toEqual(["active", "suspended", "active"]);

    await page.getByRole("link", { name: "Subscribers", exact: true }).click();
    await page.getByLabel("Search", { exact: true }).fill("ada");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Ada Lovelace" }).waitFor();
    await shot("subscriber-search");

    // Billing: a run invoices Ada's first period (she was activated today: a whole period), a
    // payment by hand settles it, and her page shows the balance.
    await page.getByRole("link", { name: "Billing", exact: true }).click();
    await page.getByText("No invoices yet").waitFor();
    await page.getByRole("button", { name: "Run billing now" }).click();
    await page.getByRole("status").filter({ hasText: "Billing run done: 1 invoice(s)" }).waitFor();
    const number = `INV-${new Date().getUTCFullYear()}-000001`;
    await page.getByRole("link", { name: number }).click();
    await page.getByRole("heading", { name: new RegExp(`Invoice ${number}`) }).waitFor();
    // Net, tax and total: no tax rate is set up here.
    const totals = await page
      .getByRole("row", { name: /^Total/ })
      .getByRole("cell")
      .allTextContents();
    expect(totals).toEqual(["", "39.99 EUR", "0.00 EUR", "39.99 EUR"]);
    await shot("invoice-issued");
    // Its PDF, with the browser's session.
    const pdfHref = (await page.getByRole("link", { name: "PDF", exact: true }).getAttribute("href")) ?? "";
    const pdf = await page.request.get(new URL(pdfHref, page.url()).toString());
    expect([pdf.status(), pdf.headers()["content-type"]]).toEqual([200, "application/pdf"]);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await page.getByLabel("Amount (EUR)").fill("39.99");
    await page.getByLabel("Method").selectOption("bank_transfer");
    await page.getByLabel("Reference").fill("TRX-E2E-1");
    await page.getByRole("button", { name: "Record payment" }).click();
    await page.locator(".ui-badge", { hasText: "paid" }).waitFor();
    await page.getByText("39.99 EUR by bank transfer (TRX-E2E-1)").waitFor();
    await shot("invoice-paid");
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    await page.getByText("Balance: 0.00 EUR owed").waitFor();
    // Staff hold dunning for her until a day (a promise to pay).
    await page.getByLabel("Hold until (empty: resume)").fill("2030-01-31");
    await page.getByRole("button", { name: "Hold dunning" }).click();
    await page.getByRole("status").filter({ hasText: "Dunning held until 2030-01-31." }).waitFor();

    // The billing dashboard counts her plan and her payment; its settings page changes the terms
    // and tries the mail relay (none here: it says so).
    await page.getByRole("link", { name: "Billing", exact: true }).click();
    await page.getByRole("region", { name: "MRR" }).getByText("39.99 EUR").waitFor();
    await page.getByRole("region", { name: "Collected this month" }).getByText("39.99 EUR").waitFor();
    await page.getByRole("region", { name: "Collection rate" }).getByText("100.0 %").waitFor();
    await shot("billing-dashboard");
    await page.getByRole("link", { name: "Billing settings" }).click();
    await page.getByLabel("Payment terms (days)").fill("21");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("21 days", { exact: true }).waitFor();
    await page.getByLabel("Send to").fill("ops@fastfiber.test");
    await page.getByRole("button", { name: "Send a test message" }).click();
    await page.getByRole("status").filter({ hasText: "Sent: check the mailbox." }).waitFor();
    expect((await mailpit.messages()).filter((m) => m.to.includes("ops@fastfiber.test"))).toHaveLength(1);
    await shot("billing-settings");

    // The network side: a NAS added from the RADIUS page, its secret not shown back.
    await page.getByRole("link", { name: "RADIUS", exact: true }).click();
    await page.getByText("No NAS yet").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("bng-north");
    await page.getByLabel("Address or network (CIDR)").fill("192.0.2.10/32");
    await page.getByLabel("Shared secret").fill("bng-north-shared-secret");
    await page.getByRole("button", { name: "Add NAS" }).click();
    await page.getByRole("cell", { name: "bng-north" }).waitFor();
    expect(await page.content()).not.toContain("bng-north-shared-secret");
    await shot("radius-nas");
    // Rotating its secret and moving its CoA port, from the same page.
    const change = page.getByRole("group").filter({ has: page.getByText("Change bng-north") });
    await change.getByText("Change bng-north").click();
    await change.getByLabel("New shared secret (blank keeps it)").fill("bng-north-rotated-secret");
    await change.getByLabel("CoA port").fill("1700");
    await change.getByRole("button", { name: "Save NAS" }).click();
    await page.getByRole("cell", { name: "1700", exact: true }).waitFor();
    expect(await page.content()).not.toContain("bng-north-rotated-secret");
    await shot("radius-nas-changed");

    // A helpdesk role sees only what it may use.
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByLabel("E-mail").fill("helpdesk@fastfiber.test");
    await page.getByLabel("Name", { exact: true }).fill("Help Desk");
    await page.getByLabel("First password").fill("helpdesk-password-1");
    await page.getByLabel("Role").fill("helpdesk");
    await page.getByLabel("customers:read").check();
    await page.getByRole("button", { name: "Add staff member" }).click();
    await page.getByRole("cell", { name: "helpdesk@fastfiber.test" }).waitFor();
    await shot("settings-staff");
    // Who did it is in the tenant's audit log, filtered by the start of an action.
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByLabel("Action").fill("staff.");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=staff\./);
    await page.getByRole("cell", { name: "staff.create", exact: true }).waitFor();
    expect(await page.getByRole("cell", { name: "subscriber.create", exact: true }).count()).toBe(0);
    await shot("audit-log");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    await page.getByLabel("E-mail").fill("helpdesk@fastfiber.test");
    await page.getByLabel("Password").fill("helpdesk-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Dashboard",
      "Subscribers",
      "Plans",
      "Devices",
    ]);
    await page.getByRole("link", { name: "Subscribers", exact: true }).click();
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    await page.getByRole("heading", { name: /Ada Lovelace/ }).waitFor();
    expect(await page.getByRole("button", { name: "Suspend" }).count()).toBe(0);
    await page.goto(`${url}/dashboard/audit`);
    await page.waitForURL(/denied=1/);
    await page.goto(`${url}/dashboard/settings`);
    await page.waitForURL(/denied=1/);
    await shot("helpdesk-denied");
    const refused = await page.evaluate(async () => (await fetch("/api/v1/staff")).status);
    expect(refused).toBe(403);
  });
  it("bills a subscriber activated mid-period, duns them into the walled garden and out of service, and restores them on a card payment", async () => {
    // The helpdesk member of the first test signs out; the admin signs in.
    await page.goto(`${url}/dashboard`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    await page.getByLabel("E-mail").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);

    // The tenant bills on a fixed day that is not today, with three days to pay.
    const day = Number(today().slice(8, 10));
    const billingDay = day === 1 || day > 29 ? 28 : day - 1;
    await page.goto(`${url}/dashboard/billing/settings`);
    await page
      .getByLabel("Billing day (1–28; empty: each subscriber's activation day)")
      .fill(String(billingDay));
    await page.getByLabel("Payment terms (days)").fill("3");
    await page.getByLabel(/^Invoice footer/).fill("Fast Fiber Ltd, 2 Light Road\nVAT IE9876543Z");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("3 days", { exact: true }).waitFor();

    // The BNG subscribers log in through, and a plan.
    await page.getByRole("link", { name: "RADIUS", exact: true }).click();
    await page.waitForURL(/\/dashboard\/radius$/);
    const addNas = page.locator("form").filter({ has: page.getByRole("button", { name: "Add NAS" }) });
    await addNas.getByLabel("Name", { exact: true }).fill("bng-south");
    await addNas.getByLabel("Address or network (CIDR)").fill("127.0.0.1/32");
    await addNas.getByLabel("Shared secret").fill(NAS_SECRET);
    await addNas.getByRole("button", { name: "Add NAS" }).click();
    await page.getByRole("cell", { name: "bng-south" }).waitFor();
    await page.getByRole("link", { name: "Plans", exact: true }).click();
    await page.waitForURL(/\/dashboard\/plans$/);
    const addPlan = page.locator("form").filter({ has: page.getByRole("button", { name: "Create plan" }) });
    await addPlan.getByLabel("Name", { exact: true }).fill("Fibre 1000");
    await addPlan.getByLabel("Download (Mbit/s)").fill("1000");
    await addPlan.getByLabel("Upload (Mbit/s)").fill("200");
    await addPlan.getByLabel("Price per cycle").fill("60.00");
    await addPlan.getByRole("button", { name: "Create plan" }).click();
    await page.getByRole("cell", { name: "Fibre 1000" }).waitFor();

    // Grace is activated today, in the middle of a billing period.
    await page.getByRole("link", { name: "Subscribers", exact: true }).click();
    await page.getByRole("link", { name: "New subscriber" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Grace Hopper");
    await page.getByLabel("Service address").fill("7 Compiler Lane");
    await page.getByLabel("E-mail").fill("grace@home.test");
    await page.getByLabel("Plan").selectOption({ label: "Fibre 1000" });
    await page.getByLabel("RADIUS username").fill("grace");
    await page.getByLabel("RADIUS password").fill("grace-router-password");
    await page.getByRole("button", { name: "Create subscriber" }).click();
    await page.waitForURL(/\/dashboard\/subscribers\/[0-9a-f-]{36}$/);
    const subscriberUrl = page.url();
    const subscriberId = subscriberUrl.split("/").at(-1) ?? "";
    await page.getByRole("button", { name: "Activate" }).click();
    await page.locator(".ui-badge", { hasText: "active" }).waitFor();
    // Her router, as the BNG forwards its login (with a Message-Authenticator, as the NAS requires).
    const login = () =>
      radclient(
        radius.authPort,
        "auth",
        NAS_SECRET,
        'User-Name = "grace", User-Password = "grace-router-password", NAS-IP-Address = 127.0.0.1, Message-Authenticator = 0x00',
      );
    const online = await login();
    expect(online).toMatch(/Received Access-Accept/);
    expect(online).not.toMatch(/walled-garden/);

    // The first invoice: the plan from today to the period's end, prorated by day.
    await page.getByRole("link", { name: "Billing", exact: true }).click();
    await page.getByRole("button", { name: "Run billing now" }).click();
    await page.getByRole("status").filter({ hasText: "Billing run done: 1 invoice(s)" }).waitFor();
    const number = `INV-${new Date().getUTCFullYear()}-000002`;
    await page.getByRole("link", { name: number }).click();
    await page.getByRole("heading", { name: new RegExp(`Invoice ${number}`) }).waitFor();
    const invoiceUrl = page.url();
    const invoiceId = invoiceUrl.split("/").at(-1) ?? "";
    const period = periodContaining(today(), billingDay, "monthly");
    const prorated = prorate(6000, period, today(), period.end);
    expect(prorated).toBeLessThan(6000);
    const eur = (minor: number) => `${(minor / 100).toFixed(2)} EUR`;
    await page
      .getByRole("cell", {
        name: `Fibre 1000, ${today()} to ${period.end} (part of the period from ${period.start})`,
      })
      .waitFor();
    const totals = await page
      .getByRole("row", { name: /^Total/ })
      .getByRole("cell")
      .allTextContents();
    expect(totals).toEqual(["", eur(prorated), "0.00 EUR", eur(prorated)]);
    await shot("prorated-invoice");
    // Its PDF says the same, and its page as a reader sees it goes with the screenshots.
    const pdfHref = (await page.getByRole("link", { name: "PDF", exact: true }).getAttribute("href")) ?? "";
    const pdf = await page.request.get(new URL(pdfHref, page.url()).toString());
    const dir = await mkdtemp(join(tmpdir(), "e2e-pdf-"));
    await writeFile(join(dir, "invoice.pdf"), await pdf.body());
    const text = (await run("pdftotext", ["-layout", join(dir, "invoice.pdf"), "-"])).replace(/ +/g, " ");
    expect(text).toContain(`Invoice ${number}`);
    expect(text).toContain("Fast Fiber");
    expect(text).toContain(`part of the period from ${period.start}`);
    expect(text).toContain("VAT IE9876543Z");
    expect(text).toMatch(new RegExp(`Total ${eur(prorated).replace(".", "\\.")}`));
    await run("pdftoppm", [
      "-png",
      "-r",
      "60",
      "-singlefile",
      join(dir, "invoice.pdf"),
      join(artifacts, "invoice-pdf"),
    ]);
    await rm(dir, { recursive: true, force: true });

    // The days after, as the tenant's billing CronJob runs them: billing, mail, dunning.
    const mailTo = async () => (await mailpit.messages()).filter((m) => m.to.includes("grace@home.test"));
    const cronJob = async (asOf: string) => {
      const out = await run(process.execPath, [join(app, "bin/dotmac-isp-ops.js"), "billing-run", asOf], {
        env: { ...process.env, ...env },
      });
      return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
        invoices: number;
        dunning: { steps: number };
      };
    };
    const dueOn = addDays(today(), 3);
    expect(await cronJob(today())).toMatchObject({ invoices: 0, dunning: { steps: 1 } });
    expect(await cronJob(addDays(dueOn, 1))).toMatchObject({ invoices: 0, dunning: { steps: 1 } });
    await page.reload();
    await page.locator(".ui-badge", { hasText: "overdue" }).waitFor();
    await shot("invoice-overdue");
    expect((await mailTo()).map((m) => m.subject)).toEqual([
      `Invoice ${number} from Fast Fiber`,
      `Invoice ${number} is due on ${dueOn}`,
      `Invoice ${number} is past due`,
    ]);
    expect(
      (await mailTo()).every((m) =>
        m.text.replaceAll("\r\n", "\n").includes("Fast Fiber Ltd, 2 Light Road\nVAT IE9876543Z"),
      ),
    ).toBe(true);
    expect((await mailTo())[0]?.attachments).toEqual([
      expect.objectContaining({ fileName: `${number}.pdf`, contentType: "application/pdf" }),
    ]);

    // A week past due: still online, but only into the walled garden.
    expect(await cronJob(addDays(dueOn, 7))).toMatchObject({ dunning: { steps: 1 } });
    const walled = await login();
    expect(walled).toMatch(/Received Access-Accept/);
    expect(walled).toMatch(/Mikrotik-Address-List = "walled-garden"/);
    // Two weeks: suspended, and her router is refused.
    expect(await cronJob(addDays(dueOn, 14))).toMatchObject({ dunning: { steps: 1 } });
    expect(await login()).toMatch(/Received Access-Reject/);
    await page.goto(subscriberUrl);
    await page.locator(".ui-badge", { hasText: "suspended" }).waitFor();
    await page.getByText("Suspended for non-payment: paying lifts it.").waitFor();
    // The suspended days' credit note is listed as one, apart from the invoice.
    await page
      .getByRole("listitem")
      .filter({ hasText: `INV-${new Date().getUTCFullYear()}-000003 credit note,` })
      .waitFor();
    await shot("subscriber-suspended-by-dunning");

    // She pays by card: staff make her a Checkout link, Stripe reports the payment by webhook.
    await page.goto(invoiceUrl);
    await page.getByRole("button", { name: "Make a card payment link" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Card payment link for the subscriber: http" })
      .waitFor();
    const open = (await (await page.request.get(`${url}/api/v1/invoices/${invoiceId}`)).json())
      .openMinor as number;
    // What was credited for the suspended days is not owed.
    expect(open).toBe(prorated - prorate(6000, period, addDays(dueOn, 14), period.end));
    await paidByCard("grace", { invoiceId, subscriberId, amountMinor: open });
    await page.reload();
    await page.locator(".ui-badge", { hasText: "paid" }).waitFor();
    await page.goto(subscriberUrl);
    await page.locator(".ui-badge", { hasText: "active" }).waitFor();
    await shot("subscriber-restored");
    const restored = await login();
    expect(restored).toMatch(/Received Access-Accept/);
    expect(restored).not.toMatch(/walled-garden/);
    expect((await mailTo()).at(-1)?.subject).toBe(`Receipt for your payment of ${eur(open)}`);
  });

  it("works a ticket: opened for a subscriber, answered by e-mail, noted internally; an overdue one shows as breached", async () => {
    await page.context().clearCookies();
    await page.goto(`${url}/login`);
    await page.getByLabel("E-mail").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    const [grace] = await t.db.select().from(subscribers).where(eq(subscribers.name, "Grace Hopper"));
    await page.goto(`${url}/dashboard/subscribers/${grace?.id}`);
    await page.getByRole("link", { name: "Open a ticket" }).click();
    await page.getByLabel("Subject").fill("Drops every evening");
    await page.getByLabel("Category").selectOption("connectivity");
    await page.getByLabel("Priority").selectOption("high");
    await page.getByLabel("What the subscriber reported").fill("The line drops around 8 pm, every day.");
    await page.getByRole("button", { name: "Open ticket" }).click();
    await page.waitForURL(/\/dashboard\/helpdesk\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: /#\d+ Drops every evening/ }).waitFor();
    await page.getByText("answer by").waitFor();
    const mailsTo = async () => (await mailpit.messages()).filter((m) => m.to.includes("grace@home.test"));
    const opened = (await mailsTo()).filter((m) => m.subject.endsWith("Drops every evening"));
    expect(opened).toHaveLength(1);
    await shot("ticket-opened");

    // A public reply that waits on her, then a note only staff see.
    await page.getByLabel("Message").fill("We reset your line profile. Please tell us tomorrow how it went.");
    await page.getByLabel("Then").selectOption("pending");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByRole("status").filter({ hasText: "Added; the ticket is pending." }).waitFor();
    await page.getByLabel("Message").fill("Port 7 on olt-2 logs LOS at 20:00: check the splitter.");
    await page.getByLabel("Internal note").check();
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("· internal note").waitFor();
    await page.locator(".ui-badge", { hasText: "pending" }).first().waitFor();
    const thread = await mailsTo();
    expect(thread.filter((m) => m.subject.endsWith("Drops every evening"))).toHaveLength(2);
    expect(JSON.stringify(thread)).not.toContain("splitter");
    // Taken on: the change form starts from the ticket as it is now (pending), and sends only the assignee.
    const change = page.locator("form").filter({ has: page.getByRole("heading", { name: "Change" }) });
    expect(await change.getByLabel("Status").inputValue()).toBe("pending");
    await change.getByLabel("Assignee").selectOption({ label: "Administrator" });
    await change.getByRole("button", { name: "Save" }).click();
    await page.getByRole("definition").filter({ hasText: "Administrator" }).waitFor();
    await page.locator(".ui-badge", { hasText: "pending" }).first().waitFor();
    await shot("ticket-answered");

    // A ticket nobody answered in time is in the breached queue.
    const late = await page.evaluate(async (subscriberId) => {
      const res = await fetch("/api/v1/tickets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          subscriberId,
          subject: "Invoice question",
          category: "billing",
          body: "Why two lines?",
        }),
      });
      return (await res.json()) as { id: string; number: number };
    }, grace?.id ?? "");
    await t.db
      .$client`update support_tickets set first_response_due_at = now() - interval '5 minutes' where id = ${late.id}`;
    await page.getByRole("link", { name: "Helpdesk", exact: true }).click();
    await page.getByRole("link", { name: "Breached (1)" }).click();
    await page.waitForURL(/queue=breached/);
    await page.getByRole("link", { name: "Invoice question" }).waitFor();
    await page.getByText("breached: first response").waitFor();
    expect(await page.getByRole("link", { name: "Drops every evening" }).count()).toBe(0);
    await shot("helpdesk-breached");
  });

  it("lets a subscriber set a password from the e-mailed link, sign in on a phone, ask for help and read staff's answer", async () => {
    const [grace] = await t.db.select().from(subscribers).where(eq(subscribers.name, "Grace Hopper"));
    await page.goto(`${url}/dashboard/subscribers/${grace?.id}`);
    await page.getByRole("button", { name: "E-mail a portal password link" }).click();
    await page.getByRole("status").filter({ hasText: "Link sent to grace@home.test." }).waitFor();
    const invite = (await mailpit.messages()).filter((m) => m.to.includes("grace@home.test")).at(-1);
    // On the tenant's public address, not the one Next.js gives the API.
    const link = invite?.text.match(/https?:\/\/\S+\/portal\/set-password\?token=\S+/)?.[0];
    expect(link?.startsWith(`${url}/portal/set-password?token=dml_`), invite?.text).toBe(true);

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const phoneShot = (name: string) => screenshot(phone, name);
    await phone.goto(link ?? "");
    await phone.getByLabel("New password").fill("grace's portal password");
    await phone.getByRole("button", { name: "Set password" }).click();
    await phone.getByText("Your password is set.").waitFor();
    await phone.getByRole("link", { name: "Sign in" }).click();
    await phone.getByLabel("Account number or e-mail").first().fill(String(grace?.accountNumber));
    await phone.getByLabel("Password").fill("grace's portal password");
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.waitForURL(/\/portal$/);
    await phone.getByRole("heading", { name: "Hello, Grace Hopper" }).waitFor();
    await phone.getByText("(no data cap)").waitFor();
    // Her router's traffic, as the BNG reports it to the tenant's RADIUS server, is on her page.
    const reported = await radclient(
      radius.acctPort,
      "acct",
      NAS_SECRET,
      'User-Name = "grace", Acct-Status-Type = Interim-Update, Acct-Session-Id = "e2e-usage", NAS-IP-Address = 127.0.0.1, Framed-IP-Address = 100.64.1.7, Acct-Session-Time = 600, Acct-Input-Octets = 250000000, Acct-Output-Octets = 1500000000',
    );
    expect(reported).toMatch(/Accounting-Response/);
    await phone.reload();
    await phone.getByText("1.75 GB").waitFor();
    await phone.getByText("as 100.64.1.7").waitFor();
    await phoneShot("portal-service");
    await phone.getByRole("link", { name: "Help and your tickets" }).click();
    await phone.getByLabel("About").selectOption("speed");
    await phone.getByLabel("Subject").fill("Slow in the evening");
    await phone.getByLabel("What happened?").fill("Speed tests show 20 Mbit/s after 7 pm.");
    await phone.getByRole("button", { name: "Send", exact: true }).click();
    await phone.waitForURL(/\/portal\/tickets\/[0-9a-f-]{36}$/);
    const ticketId = phone.url().split("/").at(-1);

    // Staff answer it in isp-ops, with a note the subscriber never sees.
    await page.goto(`${url}/dashboard/helpdesk/${ticketId}`);
    await page.getByRole("heading", { name: /Slow in the evening/ }).waitFor();
    await page.getByLabel("Message").fill("Your area's uplink was full; we added capacity tonight.");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByRole("status").filter({ hasText: "Added; the ticket is open." }).waitFor();
    await page.getByLabel("Message").fill("Uplink agg-2 at 94 % at peak: order a second 10G.");
    await page.getByLabel("Internal note").check();
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("· internal note").waitFor();

    await phone.reload();
    await phone.getByText("we added capacity tonight").waitFor();
    expect(await phone.content()).not.toContain("agg-2");
    await phoneShot("portal-ticket-answered");
    // An invoice staff issue, paid from the phone: its PDF opens, and Pay goes to Stripe's page.
    const issued = await page.evaluate(async (subscriberId) => {
      const res = await fetch("/api/v1/invoices", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ subscriberId, lines: [{ description: "Mesh extender", unitMinor: 1200 }] }),
      });
      return { status: res.status, id: ((await res.json()) as { id: string }).id };
    }, grace?.id ?? "");
    expect(issued.status).toBe(201);
    await phone.goto(`${url}/portal`);
    await phone.getByRole("link", { name: "Invoices and paying" }).click();
    await phone.getByText("You owe 12.00 EUR.").waitFor();
    await phoneShot("portal-invoices");
    const pdf = await phone.getByRole("link", { name: "PDF" }).first().getAttribute("href");
    const file = await phone.request.get(`${url}${pdf}`);
    expect(file.headers()["content-type"]).toBe("application/pdf");
    // Her earlier card payment, with its receipt.
    const receipt = await phone.getByRole("link", { name: "Receipt (PDF)" }).first().getAttribute("href");
    expect((await phone.request.get(`${url}${receipt}`)).headers()["content-type"]).toBe("application/pdf");
    // Stripe's page is not on this machine: the browser setting off for it is the proof. A
    // stand-in answers there, so the phone's next page does not race the failed navigation.
    await phone.route(/^https:\/\//, (r) =>
      r.fulfill({ contentType: "text/html", body: "<title>Checkout</title>" }),
    );
    const leaving = phone.waitForRequest((r) => r.isNavigationRequest() && !r.url().startsWith(url));
    await phone.getByRole("button", { name: "Pay 12.00 EUR by card" }).click();
    expect((await leaving).url()).toMatch(/^https:\/\//);
    await phone.waitForURL(/^https:\/\//);
    // Stripe reports the payment; back in the portal, nothing is owed and the receipt is there.
    await paidByCard("grace-portal", {
      invoiceId: issued.id,
      subscriberId: grace?.id ?? "",
      amountMinor: 1200,
    });
    await phone.goto(`${url}/portal/invoices`);
    await phone.getByText("Nothing is owed.").waitFor();
    await phone.getByText("12.00 EUR by card").waitFor();
    await phoneShot("portal-paid");
    // Her account: a phone number at once, a new e-mail address once she opens the link sent there.
    await phone.goto(`${url}/portal/account`);
    await phone.getByLabel("Phone").fill("+1 555 0100");
    await phone.getByRole("button", { name: "Save phone number" }).click();
    await phone.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await phone.getByLabel("New e-mail address").fill("grace@navy.test");
    await phone.getByRole("button", { name: "Send confirmation link" }).click();
    await phone.getByRole("status").filter({ hasText: "We sent a link to grace@navy.test" }).waitFor();
    const confirmation = (await mailpit.messages()).find((m) => m.to.includes("grace@navy.test"));
    const confirmLink = confirmation?.text.match(/https?:\/\/\S+\/portal\/confirm-email\?token=\S+/)?.[0];
    expect(confirmLink?.startsWith(url), confirmation?.text).toBe(true);
    await phone.goto(confirmLink ?? "");
    await phone.getByRole("button", { name: "Confirm this address" }).click();
    await phone.getByText("Your e-mail address is changed.").waitFor();
    await phone.goto(`${url}/portal/account`);
    await phone.getByText("grace@navy.test", { exact: true }).waitFor();
    await phoneShot("portal-account");
    // Staff's session is not the subscriber's: the portal sends a staff member to its sign-in.
    await page.goto(`${url}/portal`);
    await page.waitForURL(/\/portal\/login$/);
    await phone.close();
  });
});
