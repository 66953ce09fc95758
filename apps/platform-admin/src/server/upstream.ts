import { type Me, type PlatformPermission, permits } from "@dotmac/contracts";
import { platformClient } from "@dotmac/platform-api/client";
import { type ApiResult, answer } from "@dotmac/ui";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { UPSTREAM_HEADERS_TIMEOUT_MS } from "./api-proxy.ts";
import { adminEnv } from "./env.ts";

export const upstreamUrl = () => adminEnv().AUTOMATION_API_URL.replace(/\/$/, "");

/** The automation API's typed client, calling on behalf of the signed-in admin (their session cookie). */
export async function platform() {
  const cookie = (await cookies()).toString();
  return platformClient(upstreamUrl(), {
    headers: (): Record<string, string> => (cookie ? { cookie } : {}),
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, {
        ...init,
        cache: "no-store",
        signal: AbortSignal.timeout(UPSTREAM_HEADERS_TIMEOUT_MS),
      })) as typeof fetch,
  });
}

/** A list's rows, or none when the call failed: a page shows what it can. */
export const itemsOf = <T>(res: ApiResult<{ items: T[] }>): T[] => (res.ok ? res.body.items : []);

/** The signed-in admin, or a redirect to the login page. */
export async function me(): Promise<z.infer<typeof Me>> {
  const res = await answer((await platform()).auth.me.$get());
  if (!res.ok) redirect("/login");
  return res.body;
}

/** Whether the admin may do something (the API checks again): platform:admin holds every permission. */
export const can = (who: { permissions: readonly string[] }, permission: PlatformPermission) =>
  permits(who.permissions as PlatformPermission[], permission);
