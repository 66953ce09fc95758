import { devkitEnv, type Mailpit, startMailpit } from "@dotmac/devkit";
import { auditLogs, staffUsers } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpMailer, type TenantMail } from "../src/server/mail.ts";
import { inviteFromPlatform } from "../src/server/staff-invitations.ts";
import { PUBLIC_URL, startApi, testBrand } from "./harness.ts";

const PASSWORD = "ada's own long staff password";

/** The ISP's first admin, named by the platform and invited by isp-ops: Mailpit catches the mail. */
describe("the platform's invitation of the ISP's first admin", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let mailpit: Mailpit;
  let deps: { db: typeof h.db; mail: TenantMail; publicUrl: string };
  const admin = (email: string, invitedAt: string) => ({ name: "Ada Owner", email, invitedAt });
  const mailsTo = async (to: string) => (await mailpit.messages()).filter((m) => m.to.includes(to));
  const tokenIn = async (to: string) => {
    const text = (await mailsTo(to)).at(-1)?.text ?? "";
    const token = text.match(new RegExp(`${PUBLIC_URL}/set-password\\?token=(dml_[A-Za-z0-9_-]+)`))?.[1];
    expect(token, text).toBeDefined();
    return token ?? "";
  };
  const setPassword = (token: string, password = PASSWORD) =>
    h.call("/auth/password", { method: "POST", json: { token, password } });
  const signIn = (email: string, password = PASSWORD) =>
    h.call("/auth/login", { method: "POST", json: { email, password } });

  beforeAll(async () => {
    h = await startApi();
    mailpit = await startMailpit(devkitEnv());
    const from = "Fibre Test <billing@fibre.test>";
    deps = {
      db: h.db,
      mail: { send: smtpMailer(mailpit.smtpUrl, from), brand: testBrand, from },
      publicUrl: PUBLIC_URL,
    };
  }, 120_000);
  afterAll(async () => {
    await mailpit?.stop();
    await h?.stop();
  });

  it("creates the admin without a password, mails one link per request, and lets them set it once", async () => {
    const email = "ada@fibre.test";
    expect(await inviteFromPlatform(deps, admin(email, "2026-12-07T10:00:00.000Z"))).toBe("mailed");
    // Another replica hearing the same request mails nothing.
    expect(await inviteFromPlatform(deps, admin(email, "2026-12-07T10:00:00.000Z"))).toBe("done before");
    expect(await mailsTo(email)).toHaveLength(1);
    const [user] = await h.db.select().from(staffUsers).where(eq(staffUsers.email, email));
    expect(user?.passwordHash).toBeNull();
    expect((await signIn(email, "")).status).toBe(400);
    expect((await signIn(email)).status).toBe(401);
    const first = await tokenIn(email);

    // The platform asks again: a new link, and the first stops working.
    expect(await inviteFromPlatform(deps, admin(email, "2026-12-07T11:00:00.000Z"))).toBe("mailed");
    const second = await tokenIn(email);
    expect((await setPassword(first)).status).toBe(400);
    const short = await setPassword(second, "short");
    expect(short.status).toBe(400);
    expect(short.body.errors.map((e: { path: string }) => e.path)).toEqual(["password"]);
    expect((await setPassword(second)).status).toBe(204);
    const again = await setPassword(second, "another long staff password");
    expect(again.status).toBe(400);
    expect(again.body.errors.map((e: { path: string }) => e.path)).toEqual(["token"]);

    const signedIn = await signIn(email);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.staff.permissions).toContain("settings:write");
    // Once they have a password, a later request mails nothing.
    expect(await inviteFromPlatform(deps, admin(email, "2026-12-07T12:00:00.000Z"))).toBe("has a password");
    expect(await mailsTo(email)).toHaveLength(2);
    const audited = (await h.db.select().from(auditLogs)).map((a) => a.action);
    expect(audited).toEqual(expect.arrayContaining(["staff.invite", "staff.password_set"]));
    // The link's token is in the mail alone.
    expect(JSON.stringify(await h.db.select().from(auditLogs))).not.toContain(second.slice(4));
  });

  it("mails once when replicas hear a request together", async () => {
    const email = "grace@fibre.test";
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => inviteFromPlatform(deps, admin(email, "2026-12-07T13:00:00.000Z"))),
    );
    expect(outcomes.sort()).toEqual(["done before", "done before", "mailed"]);
    expect(await mailsTo(email)).toHaveLength(1);
    expect(await h.db.select().from(staffUsers).where(eq(staffUsers.email, email))).toHaveLength(1);
  });

  it("does not take a request it cannot mail, so a later poll mails it", async () => {
    const email = "lin@fibre.test";
    const request = admin(email, "2026-12-07T14:00:00.000Z");
    expect(await inviteFromPlatform({ db: h.db, publicUrl: PUBLIC_URL }, request)).toBe("cannot mail");
    expect(await inviteFromPlatform(deps, request)).toBe("mailed");
  });
});
