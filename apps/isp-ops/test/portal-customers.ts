import { hashPassword } from "@dotmac/crypto/passwords";
import { customerCredentials } from "@dotmac/tenant-db";
import { expect } from "vitest";
import type { startApi } from "./harness.ts";

export const CUSTOMER_PASSWORD = "a long portal password";

type Api = Awaited<ReturnType<typeof startApi>>;

/** A new subscriber with an e-mail address, made by staff: their id and account number. */
export async function portalSubscriber(h: Api, name: string, email: string, planId?: string) {
  const created = await h.call("/subscribers", {
    method: "POST",
    cookie: h.admin,
    json: {
      name,
      email,
      serviceAddress: "3 Portal Lane",
      ...(planId ? { planId } : {}),
      username: `${name.toLowerCase().replaceAll(" ", "-")}-${Date.now()}`,
      password: "router-pass",
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, account: created.body.accountNumber as number };
}

/**
 * A subscriber (active, on `planId` if given) who has set a portal password and is signed in:
 * their id, account number and portal cookie.
 */
export async function signedInCustomer(h: Api, name: string, email: string, planId?: string) {
  const { id, account } = await portalSubscriber(h, name, email, planId);
  await h.call(`/subscribers/${id}/status`, { method: "POST", cookie: h.admin, json: { to: "active" } });
  await h.db
    .insert(customerCredentials)
    .values({ subscriberId: id, passwordHash: await hashPassword(CUSTOMER_PASSWORD) });
  const login = await h.call("/portal/auth/login", {
    method: "POST",
    json: { identifier: email, password: CUSTOMER_PASSWORD },
  });
  expect(login.status).toBe(200);
  return {
    id,
    account,
    cookie: { cookie: (login.setCookie ?? "").split(";")[0] ?? "" },
  };
}
