// Long file: the helpdesk on one database and one Mailpit, started once; the cases follow a few tickets through their life.
import { devkitEnv, type Mailpit, startMailpit } from "@dotmac/devkit";
import { accountingSessions, auditLogs, supportTickets, ticketMessages } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_COUNT_CAP } from "../src/server/helpdesk/queues.ts";
import { type Json, PUBLIC_URL, startApi } from "./harness.ts";

describe("the helpdesk", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let mailpit: Mailpit;
  let agent: { cookie: string };
  let agentId: string;
  let viewer: { cookie: string };
  let subscriberId: string;
  let noMailId: string;
  const tickets = (query = "", cookie = agent) => h.call(`/tickets${query}`, { cookie });
  const ticket = (id: string) => h.call(`/tickets/${id}`, { cookie: agent });
  const open = async (json: Record<string, unknown>) => {
    const res = await h.call("/tickets", {
      method: "POST",
      cookie: agent,
      json: {
        subscriberId,
        subject: "No internet",
        category: "connectivity",
        body: "The ONT's LOS light is red.",
        ...json,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; number: number };
  };
  const patch = (id: string, json: unknown) =>
    h.call(`/tickets/${id}`, { method: "PATCH", cookie: agent, json });
  const write = (id: string, json: unknown) =>
    h.call(`/tickets/${id}/messages`, { method: "POST", cookie: agent, json });
  const mailTo = async (to: string) => (await mailpit.messages()).filter((m) => m.to.includes(to));
  const minutes = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

  beforeAll(async () => {
    h = await startApi();
    mailpit = await startMailpit(devkitEnv());
    h.mailThrough(mailpit.smtpUrl);
    agent = await h.staffWith("agent", ["support:read", "support:write"]);
    viewer = await h.staffWith("viewer", ["support:read"]);
    agentId = (await h.call("/auth/me", { cookie: agent })).body.id;
    const plan = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: {
        name: "Fibre 300",
        downloadKbps: 300_000,
        uploadKbps: 50_000,
        priceMinor: 3999,
        currency: "EUR",
      },
    });
    subscriberId = await h.activeSince("Ada Lovelace", "2026-11-01", plan.body.id);
    await h.call(`/subscribers/${subscriberId}`, {
      method: "PATCH",
      cookie: h.admin,
      json: { email: "ada@home.test", phone: "+44 20 7946 0001" },
    });
    noMailId = await h.activeSince("Grace Hopper", "2026-11-01", plan.body.id);
  });
  afterAll(async () => {
    await mailpit?.stop();
    await h?.stop();
  });

  it("opens a ticket on a subscriber's behalf, due by the priority's SLA, and mails them its first message", async () => {
    const created = await open({ priority: "high" });
    expect(created.number).toBeGreaterThanOrEqual(1001);
    const res = await ticket(created.id);
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t).toMatchObject({
      status: "open",
      priority: "high",
      subscriberName: "Ada Lovelace",
      assigneeId: null,
    });
    // The default policy for high: an answer within 4 hours, a resolution within a day.
    expect(minutes(t.createdAt, t.firstResponseDueAt)).toBeCloseTo(240, 0);
    expect(minutes(t.createdAt, t.resolutionDueAt)).toBeCloseTo(1440, 0);
    expect(t.breach).toEqual({ firstResponse: false, resolution: false });
    expect(t.firstRespondedAt).toBeNull();
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({ authorType: "staff", authorName: "agent", internal: false });
    expect(t.messages[0].mailed).toMatch(/^sent to ada@home\.test/);
    const [mail] = await mailTo("ada@home.test");
    expect(mail?.subject).toBe(`[#${created.number}] No internet`);
    expect(mail?.text).toContain("LOS light is red");
    expect(mail?.text).toContain("We have opened ticket");
    // The subscriber can follow it in the portal, on the tenant's own address.
    expect(mail?.text).toContain(`${PUBLIC_URL}/portal/tickets/${created.id}`);
    const [entry] = await h.db.select().from(auditLogs).where(eq(auditLogs.targetId, created.id));
    expect(entry).toMatchObject({ action: "ticket.create", actorId: agentId });
  });

  it("shows staff the subscriber's context: status, plan, online session, open invoices", async () => {
    const { id } = await open({ subject: "Slow evenings", category: "speed" });
    const nas = await h.call("/nas", {
      method: "POST",
      cookie: h.admin,
      json: { name: "olt-help", network: "192.0.2.0/30", secret: "nas-help-shared-secret" },
    });
    expect(nas.status).toBe(201);
    await h.db.insert(accountingSessions).values({
      nasId: nas.body.id,
      acctSessionId: "help-1",
      subscriberId,
      username: "ada",
      nasIp: "192.0.2.1",
      framedIp: "100.64.0.9",
      startedAt: new Date(Date.now() - 3_600_000),
      updatedAt: new Date(),
    });
    const invoice = await h.call("/invoices", {
      method: "POST",
      cookie: h.admin,
      json: { subscriberId, lines: [{ description: "Router", unitMinor: 5900 }] },
    });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    const s = (await ticket(id)).body.subscriber;
    expect(s).toMatchObject({
      name: "Ada Lovelace",
      status: "active",
      planName: "Fibre 300",
      downloadKbps: 300_000,
    });
    expect(s.online).toBe(true);
    expect(s.sessions[0]).toMatchObject({ nas: "olt-help", framedIp: "100.64.0.9", stoppedAt: null });
    expect(s.openInvoices).toEqual([
      expect.objectContaining({ openMinor: 5900, currency: "EUR", status: "issued" }),
    ]);
  });

  it("answers in public (mailed, the first answer counts for the SLA) and in internal notes (never mailed)", async () => {
    const { id, number } = await open({ subject: "Router reboots" });
    const before = (await mailTo("ada@home.test")).length;
    const note = await write(id, { body: "Line card 3 flaps: NOC ticket 8812.", internal: true });
    expect(note.status).toBe(201);
    expect((await ticket(id)).body.firstRespondedAt).toBeNull();
    const reply = await write(id, {
      body: "We replaced a faulty line card.\n\nPlease tell us if it happens again.",
      status: "pending",
    });
    expect(reply.body).toMatchObject({ status: "pending" });
    const t = (await ticket(id)).body;
    expect(t.firstRespondedAt).not.toBeNull();
    expect(t.messages.map((m: Json) => [m.internal, m.mailed?.slice(0, 7) ?? null])).toEqual([
      [false, "sent to"],
      [true, null],
      [false, "sent to"],
    ]);
    const mails = await mailTo("ada@home.test");
    expect(mails.length).toBe(before + 1);
    const last = mails.find(
      (m) => m.subject === `[#${number}] Router reboots` && m.text.includes("line card"),
    );
    expect(last?.text).toContain("Please tell us if it happens again.");
    expect(last?.text).toContain("There is a reply to your ticket");
    expect(JSON.stringify(mails)).not.toContain("NOC ticket 8812");
    const actions = await h.db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(eq(auditLogs.targetId, id));
    expect(actions.map((a) => a.action)).toEqual(["ticket.create", "ticket.note", "ticket.reply"]);
    expect(
      JSON.stringify(await h.db.select().from(auditLogs).where(eq(auditLogs.targetId, id))),
    ).not.toContain("NOC ticket");
  });

  it("records why a reply was not mailed", async () => {
    const { id } = await open({ subscriberId: noMailId, subject: "Billing question", category: "billing" });
    await write(id, { body: "Your invoice is correct." });
    const mailed = (await ticket(id)).body.messages.map((m: Json) => m.mailed);
    expect(mailed).toEqual([
      "not sent: the subscriber has no e-mail address",
      "not sent: the subscriber has no e-mail address",
    ]);
  });

  it("stops the resolution clock while pending and starts it again with what was left", async () => {
    const { id } = await open({ priority: "urgent" });
    const due = (await ticket(id)).body.resolutionDueAt;
    expect((await patch(id, { status: "pending" })).status).toBe(200);
    expect((await ticket(id)).body.resolutionDueAt).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    await patch(id, { status: "open" });
    const moved = Date.parse((await ticket(id)).body.resolutionDueAt) - Date.parse(due);
    expect(moved).toBeGreaterThanOrEqual(1400);
    expect(moved).toBeLessThan(10_000);
  });

  it("re-prioritises: due times follow the new priority's targets", async () => {
    const { id } = await open({ priority: "low" });
    expect((await patch(id, { priority: "urgent" })).status).toBe(200);
    const t = (await ticket(id)).body;
    expect(minutes(t.createdAt, t.firstResponseDueAt)).toBeCloseTo(60, 0);
    expect(minutes(t.createdAt, t.resolutionDueAt)).toBeCloseTo(240, 0);
    const [entry] = await h.db
      .select()
      .from(auditLogs)
      .where(sql`${auditLogs.targetId} = ${id} and ${auditLogs.action} = 'ticket.update'`);
    expect(entry).toMatchObject({ before: { priority: "low" }, after: { priority: "urgent" } });
  });

  it("flags and counts tickets past their due times, in the breached queue", async () => {
    const late = await open({ subject: "Overdue one" });
    const answeredLate = await open({ subject: "Answered late" });
    await h.db
      .update(supportTickets)
      .set({ firstResponseDueAt: sql`now() - interval '1 minute'` })
      .where(sql`${supportTickets.id} in (${late.id}, ${answeredLate.id})`);
    await write(answeredLate.id, { body: "Sorry for the wait." });
    const onTime = await open({ subject: "On time" });
    await write(onTime.id, { body: "Looking into it." });
    const page = (await tickets("?queue=breached")).body;
    const ids = page.items.map((t: Json) => t.id);
    expect(ids).toContain(late.id);
    expect(ids).toContain(answeredLate.id);
    expect(ids).not.toContain(onTime.id);
    expect(page.counts.breached).toBe(ids.length);
    expect(page.items.find((t: Json) => t.id === late.id).breach).toEqual({
      firstResponse: true,
      resolution: false,
    });
    expect((await ticket(onTime.id)).body.breach).toEqual({ firstResponse: false, resolution: false });
    // Closed, it leaves the queue; its breach stays on record.
    await patch(late.id, { status: "closed" });
    expect((await tickets("?queue=breached")).body.items.map((t: Json) => t.id)).not.toContain(late.id);
    expect((await ticket(late.id)).body.breach.firstResponse).toBe(true);
  });

  it("keeps queues with their counts: mine, unassigned, by status; pages by number", async () => {
    const { id } = await open({ subject: "For the agent", assigneeId: agentId });
    const all = (await tickets()).body;
    const mine = (await tickets("?queue=mine")).body;
    expect(mine.items.map((t: Json) => t.id)).toEqual([id]);
    expect(mine.items[0].assigneeName).toBe("agent");
    expect(all.counts.mine).toBe(1);
    const unassigned = (await tickets("?queue=unassigned")).body;
    expect(
      unassigned.items.every((t: Json) => t.assigneeId === null && ["open", "pending"].includes(t.status)),
    ).toBe(true);
    expect(unassigned.counts.unassigned).toBe(unassigned.items.length);
    const [count] = await h.db.select({ n: sql<number>`count(*)::int` }).from(supportTickets);
    expect(all.counts.all).toBe(count?.n);
    expect(all.countsCapped).toEqual([]);
    expect(all.counts.open + all.counts.pending + all.counts.resolved + all.counts.closed).toBe(count?.n);
    expect((await tickets("?queue=closed")).body.items.every((t: Json) => t.status === "closed")).toBe(true);
    const seen: number[] = [];
    for (let before = ""; ; ) {
      const p = (await tickets(`?limit=3${before}`)).body;
      seen.push(...p.items.map((t: Json) => t.number));
      if (!p.nextCursor) break;
      before = `&before=${p.nextCursor}`;
    }
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(count?.n);
    const own = (await tickets(`?subscriberId=${noMailId}`)).body.items;
    expect(own.map((t: Json) => t.subject)).toEqual(["Billing question"]);
  });

  it("refuses bad input with the fields named, and changes nothing", async () => {
    const [before] = await h.db.select({ n: sql<number>`count(*)::int` }).from(supportTickets);
    const bad = await h.call("/tickets", {
      method: "POST",
      cookie: agent,
      json: { subscriberId, subject: " ", category: "weather", body: "x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["category", "subject"]);
    const nobody = await h.call("/tickets", {
      method: "POST",
      cookie: agent,
      json: { subscriberId: crypto.randomUUID(), subject: "Ghost", category: "other", body: "x" },
    });
    expect(nobody.status).toBe(400);
    expect(nobody.body.errors).toEqual([{ path: "subscriberId", message: "no such subscriber" }]);
    const { id } = await open({ subject: "Assign me" });
    const viewerId = (await h.call("/auth/me", { cookie: viewer })).body.id;
    const wrongAssignee = await patch(id, { assigneeId: viewerId });
    expect(wrongAssignee.status).toBe(400);
    expect(wrongAssignee.body.errors[0].path).toBe("assigneeId");
    expect((await patch(id, {})).status).toBe(400);
    await patch(id, { status: "closed" });
    const reopen = await patch(id, { status: "open" });
    expect(reopen.status).toBe(409);
    expect(reopen.body.errors[0]).toEqual({ path: "status", message: "a closed ticket cannot become open" });
    expect((await write(id, { body: "Hello?" })).status).toBe(409);
    const messages = await h.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, id));
    expect(messages).toHaveLength(1);
    expect((await ticket(crypto.randomUUID())).status).toBe(404);
    expect((await ticket("not-a-ticket")).status).toBe(404);
    expect((await tickets("?queue=everything")).status).toBe(400);
    const [after] = await h.db.select({ n: sql<number>`count(*)::int` }).from(supportTickets);
    expect(after?.n).toBe((before?.n ?? 0) + 1);
  });

  it("lets support:read look but not change, and settings:write change the SLA policies", async () => {
    const { id } = await open({ subject: "Read only" });
    expect((await h.call(`/tickets/${id}`, { cookie: viewer })).status).toBe(200);
    const refused = await h.call(`/tickets/${id}`, {
      method: "PATCH",
      cookie: viewer,
      json: { priority: "low" },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("support:write");
    const policies = (await h.call("/helpdesk/sla", { cookie: viewer })).body.items;
    expect(policies.map((p: Json) => p.priority)).toEqual(["urgent", "high", "normal", "low"]);
    const put = (json: unknown, cookie = h.admin) =>
      h.call("/helpdesk/sla/normal", { method: "PUT", cookie, json });
    expect((await put({ firstResponseMinutes: 30, resolutionMinutes: 600 }, agent)).status).toBe(403);
    const backwards = await put({ firstResponseMinutes: 600, resolutionMinutes: 30 });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].path).toBe("resolutionMinutes");
    const changed = await put({ firstResponseMinutes: 30, resolutionMinutes: 600 });
    expect(changed.body).toEqual({ priority: "normal", firstResponseMinutes: 30, resolutionMinutes: 600 });
    const t = (await ticket((await open({ subject: "Under the new policy" })).id)).body;
    expect(minutes(t.createdAt, t.firstResponseDueAt)).toBeCloseTo(30, 0);
    const [entry] = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "sla.update"));
    expect(entry).toMatchObject({
      before: { firstResponseMinutes: 480 },
      after: { firstResponseMinutes: 30 },
    });
  });

  it("counts history only up to a cap, and says so", async () => {
    await h.db.$client`
      insert into support_tickets (subscriber_id, subject, category, priority, status, opened_by_type, opened_by_id,
                                   first_response_due_at, resolution_due_at, closed_at)
      select ${noMailId}, 'Old ' || i, 'other', 'low', 'closed', 'staff', 'history', now(), now(), now()
        from generate_series(1, ${HISTORY_COUNT_CAP + 1}) i`;
    const { counts, countsCapped } = (await tickets("?queue=closed&limit=1")).body;
    expect(counts.closed).toBe(HISTORY_COUNT_CAP);
    expect(countsCapped).toEqual(["closed", "all"]);
    expect(counts.all).toBe(counts.open + counts.pending + counts.resolved + counts.closed);
  });
});
