import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { stripeGateway } from "../src/server/billing/gateway.ts";
import { smtpMailer } from "../src/server/mail.ts";

/**
 * isp-ops's calls out (the SMTP relay, Stripe) against peers that accept the connection and then
 * say nothing: each gives up with an error in seconds (each test's own limit; nodemailer's and
 * Stripe's defaults wait minutes) instead of holding its request or billing run.
 */
describe("outbound calls against a peer that stalls", () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function silentPeer(): Promise<number> {
    const server = createServer((socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  }

  it("fails a mail when the relay never greets", async () => {
    const port = await silentPeer();
    const send = smtpMailer(`smtp://127.0.0.1:${port}`, "billing@acme.example", {
      connectionTimeout: 300,
      greetingTimeout: 300,
      socketTimeout: 300,
    });
    const mail = { to: "ada@example.net", subject: "Receipt", text: "paid", html: "<p>paid</p>" };
    await expect(send(mail)).rejects.toThrow(/greeting never received/i);
  }, 5_000);

  it("fails a card checkout with a 502 when Stripe never answers", async () => {
    const port = await silentPeer();
    const gateway = stripeGateway({
      secretKey: "sk_test_123",
      webhookSecret: "whsec_test",
      apiUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 300,
    });
    const checkout = gateway.checkout({
      invoiceId: "inv",
      subscriberId: "sub",
      number: "INV-1",
      amountMinor: 1000,
      currency: "EUR",
      email: null,
      returnUrl: "https://acme.example/portal",
    });
    await expect(checkout).rejects.toMatchObject({ status: 502 });
  }, 10_000);
});
