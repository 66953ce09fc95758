/**
 * The customer portal's pages and API through the built app over the 500,000-subscriber data set
 * (5,000,000 accounting sessions): 300 subscribers signed in at once, each request as one of them
 * picked at random, each with two invoices, a payment and a ticket. Target: portal pages p95
 * <= 100 ms. Prints one table.
 */
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { customerCookie } from "../src/server/portal/customers.ts";
import { SUBSCRIBERS, seedDataSet, untimed } from "./data-set.ts";
import { load, machine, routeTable, serveAsAdmin } from "./http-load.ts";

const CUSTOMERS = 300;

const { t, pg, key } = await seedDataSet();
const served = await serveAsAdmin(t, key);
try {
  const seeding = performance.now();
  const customers = await pg<{ id: string }[]>`
    select id from subscribers where status = 'active' order by account_number * 7919 % ${SUBSCRIBERS} limit ${CUSTOMERS}`;
  const staff = async (path: string, json: unknown) => {
    const res = await fetch(`${served.base}/api/v1${path}`, {
      method: "POST",
      headers: { cookie: served.cookie, "content-type": "application/json", origin: served.base },
      body: JSON.stringify(json),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  const cookies: string[] = [];
  for (const { id } of customers) {
    for (const unitMinor of [3999, 1200])
      await staff("/invoices", { subscriberId: id, lines: [{ description: "Fibre", unitMinor }] });
    await staff("/payments", {
      subscriberId: id,
      amountMinor: 3999,
      currency: "EUR",
      method: "bank_transfer",
    });
    await staff("/tickets", {
      subscriberId: id,
      subject: "Slow evenings",
      category: "speed",
      body: "Since Monday.",
    });
    const token = newSecret("dmc");
    await pg`insert into customer_sessions (token_hash, subscriber_id, expires_at)
             values (${hashSecret(token)}, ${id}, now() + interval '1 day')`;
    cookies.push(`${customerCookie().name}=${token}`);
  }
  await untimed(pg, (c) => c`vacuum analyze invoices, payments, support_tickets, customer_sessions`);
  const seedSeconds = (performance.now() - seeding) / 1000;

  const anyone = () => cookies[Math.floor(Math.random() * cookies.length)] ?? "";
  const path = (p: string) => () => p;
  const table = await routeTable(served.base, anyone, [
    ["page: service and usage (/portal)", path("/portal")],
    ["page: invoices and payments", path("/portal/invoices")],
    ["page: tickets", path("/portal/tickets")],
    ["page: account", path("/portal/account")],
    ["API: usage", path("/api/v1/portal/usage")],
    ["API: invoices", path("/api/v1/portal/invoices")],
    // The machine's speed drifts within an hour: a row of the subscribers benchmark, measured now.
    ["(for scale) staff: subscribers, first page of 50", path("/api/v1/subscribers"), served.cookie],
  ]);
  console.log(
    `\nCustomer portal over ${SUBSCRIBERS.toLocaleString("en")} subscribers, ${CUSTOMERS} signed in, ${load} (${machine()}; seeded in ${seedSeconds.toFixed(0)} s; target: pages p95 <= 100 ms)`,
  );
  console.log(table);
} finally {
  served.stop();
  await t.stop();
}
