import { devkitEnv, type Mailpit, startMailpit } from "@dotmac/devkit";
import { auditLogs, customerLinks, subscribers } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, PUBLIC_URL, startApi } from "./harness.ts";
import { CUSTOMER_PASSWORD, signedInCustomer } from "./portal-customers.ts";

describe("the customer portal's account page", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let mailpit: Mailpit;
  let ada: Awaited<ReturnType<typeof signedInCustomer>>;
  let alan: Awaited<ReturnType<typeof signedInCustomer>>;
  const portal = (
    path: string,
    cookie: Record<string, string> | undefined,
    init: { method?: string; json?: unknown } = {},
  ) => h.call(`/portal${path}`, { ...init, ...(cookie ? { cookie } : {}) });
  const actions = async (id: string) =>
    (
      await h.db
        .select({ action: auditLogs.action, actorType: auditLogs.actorType })
        .from(auditLogs)
        .where(eq(auditLogs.targetId, id))
    ).map((a) => `${a.action} by ${a.actorType}`);
  const stored = async (id: string) =>
    (
      await h.db
        .select({ email: subscribers.email, phone: subscribers.phone })
        .from(subscribers)
        .where(eq(subscribers.id, id))
    )[0];

  beforeAll(async () => {
    h = await startApi();
    mailpit = await startMailpit(devkitEnv());
    h.mailThrough(mailpit.smtpUrl);
    ada = await signedInCustomer(h, "Ada", "ada@account.test");
    alan = await signedInCustomer(h, "Alan", "alan@account.test");
  });
  afterAll(async () => {
    await mailpit?.stop();
    await h?.stop();
  });

  it("changes the phone number at once, refusing a malformed one and changing nothing", async () => {
    const bad = await portal("/account", ada.cookie, { method: "PATCH", json: { phone: "call me maybe" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path)).toEqual(["phone"]);
    expect((await stored(ada.id))?.phone).toBeNull();
    const set = await portal("/account", ada.cookie, {
      method: "PATCH",
      json: { phone: "+44 20 7946 0000" },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      email: "ada@account.test",
      phone: "+44 20 7946 0000",
      pendingEmail: null,
    });
    const cleared = await portal("/account", ada.cookie, { method: "PATCH", json: { phone: "" } });
    expect(cleared.body.phone).toBeNull();
    expect(await actions(ada.id)).toContain("customer.contact by subscriber");
    expect((await portal("/account", alan.cookie)).body).toMatchObject({
      email: "alan@account.test",
      phone: null,
    });
  });

  it("moves the e-mail only once the link mailed to the new address is opened, telling the old one", async () => {
    for (const email of ["not-an-address", "ADA@account.test"]) {
      const refused = await portal("/account/email", ada.cookie, { method: "POST", json: { email } });
      expect(refused.status, email).toBe(400);
      expect(refused.body.errors[0].path).toBe("email");
    }
    const asked = await portal("/account/email", ada.cookie, {
      method: "POST",
      json: { email: "ada@new.test" },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body).toEqual({ sentTo: "ada@new.test" });
    // Nothing has moved yet; the address waits for its confirmation.
    expect((await stored(ada.id))?.email).toBe("ada@account.test");
    expect((await portal("/account", ada.cookie)).body.pendingEmail).toBe("ada@new.test");
    const mails = await mailpit.messages();
    const toNew = mails.find((m) => m.to.includes("ada@new.test"));
    const token = toNew?.text.match(
      new RegExp(`${PUBLIC_URL}/portal/confirm-email\\?token=(dml_[\\w-]+)`),
    )?.[1];
    expect(token, toNew?.text).toBeDefined();
    const toOld = mails.find((m) => m.to.includes("ada@account.test"));
    expect(toOld?.subject).toMatch(/is changing/);
    expect(toOld?.text).not.toContain(token);
    const [link] = await h.db.select().from(customerLinks).where(eq(customerLinks.email, "ada@new.test"));
    expect(JSON.stringify(link)).not.toContain(token);

    // A link to set a password is no confirmation, nor the other way round.
    const wrongPurpose = await portal("/auth/password", undefined, {
      method: "POST",
      json: { token, password: "a different long password" },
    });
    expect(wrongPurpose.status).toBe(400);
    const confirmed = await portal("/account/email/confirm", undefined, { method: "POST", json: { token } });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(204);
    expect((await stored(ada.id))?.email).toBe("ada@new.test");
    expect((await portal("/account", ada.cookie)).body).toMatchObject({
      email: "ada@new.test",
      pendingEmail: null,
    });
    const again = await portal("/account/email/confirm", undefined, { method: "POST", json: { token } });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].path).toBe("token");
    const byNewAddress = await portal("/auth/login", undefined, {
      method: "POST",
      json: { identifier: "ada@new.test", password: CUSTOMER_PASSWORD },
    });
    expect(byNewAddress.status).toBe(200);
    expect(await actions(ada.id)).toEqual(
      expect.arrayContaining(["customer.email_link by subscriber", "customer.email_confirmed by subscriber"]),
    );

    // An expired link does nothing.
    await portal("/account/email", alan.cookie, { method: "POST", json: { email: "alan@new.test" } });
    const late = (await mailpit.messages())
      .find((m) => m.to.includes("alan@new.test"))
      ?.text.match(/token=(dml_[\w-]+)/)?.[1];
    await h.db
      .update(customerLinks)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(customerLinks.subscriberId, alan.id));
    expect(
      (await portal("/account/email/confirm", undefined, { method: "POST", json: { token: late } })).status,
    ).toBe(400);
    expect((await stored(alan.id))?.email).toBe("alan@account.test");
    expect((await portal("/account", alan.cookie)).body.pendingEmail).toBeNull();
  });

  it("changes the password with the current one, ends the other sessions and keeps this one", async () => {
    const elsewhere = await portal("/auth/login", undefined, {
      method: "POST",
      json: { identifier: "alan@account.test", password: CUSTOMER_PASSWORD },
    });
    const other = { cookie: (elsewhere.setCookie ?? "").split(";")[0] ?? "" };
    const change = (currentPassword: string, password: string) =>
      portal("/account/password", alan.cookie, { method: "POST", json: { currentPassword, password } });
    const wrong = await change("not my password", "alan's new long password");
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe("currentPassword");
    const same = await change(CUSTOMER_PASSWORD, CUSTOMER_PASSWORD);
    expect(same.status).toBe(400);
    expect(same.body.errors[0].path).toBe("password");
    expect((await change(CUSTOMER_PASSWORD, "short")).status).toBe(400);
    expect((await portal("/service", other)).status).toBe(200);

    expect((await change(CUSTOMER_PASSWORD, "alan's new long password")).status).toBe(204);
    expect((await portal("/service", alan.cookie)).status).toBe(200);
    expect((await portal("/service", other)).status).toBe(401);
    const signIn = (password: string) =>
      portal("/auth/login", undefined, {
        method: "POST",
        json: { identifier: "alan@account.test", password },
      });
    expect((await signIn(CUSTOMER_PASSWORD)).status).toBe(401);
    expect((await signIn("alan's new long password")).status).toBe(200);
    expect(await actions(alan.id)).toContain("customer.password_change by subscriber");

    // A session cannot guess passwords without end: after ten wrong ones the right one waits too.
    for (let i = 0; i < 10; i++)
      expect((await change(`guess ${i}`, "another long password")).status).toBe(400);
    const locked = await change("alan's new long password", "another long password");
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
  });

  it("answers only a signed-in subscriber", async () => {
    expect((await portal("/account", undefined)).status).toBe(401);
    expect((await portal("/account", h.admin)).status).toBe(401);
    expect(
      (await portal("/account/email", h.admin, { method: "POST", json: { email: "x@y.test" } })).status,
    ).toBe(401);
  });
});
