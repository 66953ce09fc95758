import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StaffPermission } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { run } from "@dotmac/devkit";
import { subscriberStatusHistory } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { createIspOpsApi } from "../src/server/api.ts";
import type { PaymentGateway } from "../src/server/billing/gateway.ts";
import type { Branding } from "../src/server/branding.ts";
import type { IspOpsDeps } from "../src/server/deps.ts";
import { radiusDisconnector, radiusReauthorizer } from "../src/server/disconnector.ts";
import { smtpMailer } from "../src/server/mail.ts";
import { createStaff } from "../src/server/staff.ts";

// biome-ignore lint/suspicious/noExplicitAny: responses are read field by field in assertions.
export type Json = any;
export const PASSWORD = "correct horse battery";
export const testBrand: Branding = {
  slug: "fibre",
  name: "Fibre Test",
  logoUrl: null,
  primaryColor: "#0057b8",
  footer: null,
};

/** A PDF's text as a reader lays it out (poppler's pdftotext), runs of spaces as one. */
export async function pdfText(pdf: ArrayBuffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pdf-text-"));
  try {
    const file = join(dir, "document.pdf");
    await writeFile(file, Buffer.from(pdf));
    return (await run("pdftotext", ["-layout", file, "-"])).replace(/ +/g, " ");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The tenant's own address, the base of the links it mails (TENANT_PUBLIC_URL). */
export const PUBLIC_URL = "https://fibre.isp.example";

export interface CallInit {
  method?: string;
  json?: unknown;
  csv?: string;
  cookie?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * The isp-ops API on a throwaway tenant database, called as its pages call it, with staff of any
 * permissions; Disconnect-Requests are recorded in `disconnected` and acknowledged, until
 * `routeThroughRadius` hands them to a RADIUS server.
 */
export async function startApi() {
  const t = await startTenantDatabase();
  const secretsKey = Buffer.alloc(32, 4);
  const box = new SecretBox(secretsKey);
  const disconnected: string[] = [];
  const deps: { -readonly [K in keyof IspOpsDeps]?: IspOpsDeps[K] } = {
    publicUrl: PUBLIC_URL,
    disconnect: async (s) => {
      disconnected.push(s.acctSessionId);
      return { outcome: "ack" };
    },
  };
  const api = createIspOpsApi(async () => ({ db: t.db, box, ...deps }));
  /** From now on RFC 5176 requests go through a real RADIUS server's control endpoint. */
  const routeThroughRadius = (url: string) => {
    deps.disconnect = radiusDisconnector(url, box);
    deps.reauthorize = radiusReauthorizer(url, box);
  };
  /** From now on the tenant takes card payments through this gateway. */
  const acceptCards = (gateway: PaymentGateway) => {
    deps.gateway = gateway;
  };
  /** From now on the tenant (Fibre Test, in #0057b8) mails through this SMTP server. */
  const mailThrough = (smtpUrl: string) => {
    const from = "Fibre Test <billing@fibre.test>";
    deps.mail = { send: smtpMailer(smtpUrl, from), brand: testBrand, from };
  };
  /** From now on the platform grants the tenant this licence, as its entitlements poller last heard. */
  const licensed = (licence: { seats: number; validUntil: string | null }) => {
    const status = {
      state: "current" as const,
      at: new Date(),
      entitlements: {
        tenant: "fibre",
        plan: "starter" as const,
        flags: { customerPortal: true },
        licence,
        admin: null,
      },
    };
    deps.entitlements = { status, has: () => true };
  };
  const call = async (path: string, init: CallInit = {}) => {
    const res = await api.request(`/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...(init.headers ?? {}),
        ...(init.cookie ?? {}),
        ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
        ...(init.csv !== undefined ? { "content-type": "text/csv" } : {}),
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      ...(init.csv !== undefined ? { body: init.csv } : {}),
    });
    const text = await res.text();
    if (res.headers.get("content-type")?.startsWith("text/csv")) {
      return {
        status: res.status,
        type: res.headers.get("content-type"),
        setCookie: null,
        body: text as Json,
      };
    }
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      setCookie: res.headers.get("set-cookie"),
      retryAfter: res.headers.get("retry-after"),
      body: (text ? JSON.parse(text) : null) as Json,
    };
  };
  const signIn = async (email: string) => {
    const res = await call("/auth/login", { method: "POST", json: { email, password: PASSWORD } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { cookie: (res.setCookie ?? "").split(";")[0] ?? "" };
  };
  const staffWith = async (name: string, permissions: StaffPermission[]) => {
    await createStaff(t.db, {
      email: `${name}@isp.test`,
      displayName: name,
      password: PASSWORD,
      role: name,
      permissions,
    });
    return signIn(`${name}@isp.test`);
  };
  const admin = await staffWith("admin", [...StaffPermission.options]);
  /**
   * A subscriber on `planId` made active on `day`: the history row is back-dated, because the
   * activation decides the first billing period.
   */
  const activeSince = async (name: string, day: string, planId: string) => {
    const created = await call("/subscribers", {
      method: "POST",
      cookie: admin,
      json: {
        name,
        serviceAddress: "1 Billing Road",
        planId,
        username: `${name.toLowerCase().replaceAll(" ", "-")}-${Date.now()}`,
        password: "router-password",
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const activated = await call(`/subscribers/${id}/status`, {
      method: "POST",
      cookie: admin,
      json: { to: "active" },
    });
    expect(activated.status).toBe(200);
    await t.db
      .update(subscriberStatusHistory)
      .set({ at: new Date(`${day}T09:00:00Z`) })
      .where(eq(subscriberStatusHistory.subscriberId, id));
    return id;
  };
  return {
    t,
    db: t.db,
    box,
    /** TENANT_SECRETS_KEY for another process of the tenant (its RADIUS server). */
    secretsKey: secretsKey.toString("base64"),
    api,
    call,
    signIn,
    staffWith,
    admin,
    activeSince,
    disconnected,
    routeThroughRadius,
    mailThrough,
    acceptCards,
    licensed,
    stop: () => t.stop(),
  };
}
