import { StaffPermission } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { expect } from "vitest";
import { createIspOpsApi } from "../src/server/api.ts";
import { createStaff } from "../src/server/staff.ts";

// biome-ignore lint/suspicious/noExplicitAny: responses are read field by field in assertions.
export type Json = any;
export const PASSWORD = "correct horse battery";

export interface CallInit {
  method?: string;
  json?: unknown;
  csv?: string;
  cookie?: Record<string, string>;
}

/**
 * The isp-ops API on a throwaway tenant database, called as its pages call it, with staff of any
 * permissions; Disconnect-Requests are recorded in `disconnected` and acknowledged.
 */
export async function startApi() {
  const t = await startTenantDatabase();
  const box = new SecretBox(Buffer.alloc(32, 4));
  const disconnected: string[] = [];
  const api = createIspOpsApi({
    db: t.db,
    box,
    disconnect: async (s) => {
      disconnected.push(s.acctSessionId);
      return { outcome: "ack" };
    },
  });
  const call = async (path: string, init: CallInit = {}) => {
    const res = await api.request(`/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
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
  return { t, db: t.db, box, api, call, signIn, staffWith, admin, disconnected, stop: () => t.stop() };
}
