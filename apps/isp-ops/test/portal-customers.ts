import { hashPassword } from "@dotmac/crypto/passwords";
import { customerCredentials } from "@dotmac/tenant-db";
import { expect } from "vitest";
import type { startApi } from "./harness.ts";

export const CUSTOMER_PASSWORD = "a long portal password";

/**
 * A subscriber (active, on `planId` if given) who has set a portal password and is signed in:
 * their id, account number and portal cookie.
 */
export async function signedInCustomer(
  h: Awaited<ReturnType<typeof startApi>>,
  name: string,
  email: string,
  planId?: string,
) {
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
  const id = created.body.id as string;
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
    account: created.body.accountNumber as number,
    cookie: { cookie: (login.setCookie ?? "").split(";")[0] ?? "" },
  };
}
