import { type Me, type PlatformPermission, permits } from "@dotmac/contracts";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { UPSTREAM_HEADERS_TIMEOUT_MS } from "./api-proxy.ts";
import { adminEnv } from "./env.ts";

export const API_BASE = "/api/platform/v1";

export const upstreamUrl = () => adminEnv().AUTOMATION_API_URL.replace(/\/$/, "");

/** A call to the automation API on behalf of the signed-in admin (their session cookie). */
export async function api<T = unknown>(
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const cookie = (await cookies()).toString();
  const res = await fetch(`${upstreamUrl()}${API_BASE}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    cache: "no-store",
    signal: AbortSignal.timeout(UPSTREAM_HEADERS_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The signed-in admin, or a redirect to the login page. */
export async function me(): Promise<z.infer<typeof Me>> {
  const res = await api<z.infer<typeof Me>>("/auth/me");
  if (res.status !== 200) redirect("/login");
  return res.body;
}

/** Whether the admin may do something (the API checks again): platform:admin holds every permission. */
export const can = (who: { permissions: readonly string[] }, permission: PlatformPermission) =>
  permits(who.permissions as PlatformPermission[], permission);
