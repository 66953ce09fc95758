import { createSocket, type Socket } from "node:dgram";
import { RADIUS_CONTROL_PURPOSE } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { accountingSessions, nasClients, subscribers } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { disconnect } from "../src/disconnect.ts";
import { radiusCodec as radius } from "../src/packets.ts";
import type { RunningRadius } from "../src/server.ts";
import { addLocalNas, serveRadius } from "./harness.ts";

const SECRET = "coa-secret";

/** A NAS in the test: a UDP socket that answers Disconnect-Requests as `answer` says. */
async function testNas(answer: (n: number) => "ack" | "nak" | "silent" | "forged") {
  const socket: Socket = createSocket("udp4");
  const seen: { code: string; attributes: Record<string, unknown> }[] = [];
  socket.on("message", (packet, peer) => {
    const decoded = radius.decode({ packet, secret: SECRET });
    seen.push(decoded);
    const what = answer(seen.length);
    if (what === "silent") return;
    const reply =
      what === "nak"
        ? radius.encode_response({
            packet: decoded,
            code: "Disconnect-NAK",
            secret: SECRET,
            attributes: [["Error-Cause", "Session-Context-Not-Found"]],
          })
        : radius.encode_response({
            packet: decoded,
            code: "Disconnect-ACK",
            secret: what === "forged" ? "wrong" : SECRET,
          });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  return { port: socket.address().port, seen, close: () => socket.close() };
}

describe("RFC 5176 Disconnect client", () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it("gets an ACK for a session the NAS has, sending who and which session", async () => {
    const nas = await testNas(() => "ack");
    close = nas.close;
    const result = await disconnect(
      { host: "127.0.0.1", port: nas.port, secret: SECRET },
      { username: "alice", acctSessionId: "sess-9", framedIp: "100.64.0.10" },
    );
    expect(result).toMatchObject({ outcome: "ack", attempts: 1 });
    expect(nas.seen[0]).toMatchObject({
      code: "Disconnect-Request",
      attributes: { "User-Name": "alice", "Acct-Session-Id": "sess-9", "Framed-IP-Address": "100.64.0.10" },
    });
  });

  it("reports a NAK with its Error-Cause", async () => {
    const nas = await testNas(() => "nak");
    close = nas.close;
    const result = await disconnect(
      { host: "127.0.0.1", port: nas.port, secret: SECRET },
      { username: "ghost" },
    );
    expect(result).toMatchObject({ outcome: "nak", errorCause: "Session-Context-Not-Found" });
  });

  it("retransmits on silence, ignores forged answers, and gives up after its retries", async () => {
    const late = await testNas((n) => (n < 3 ? "silent" : "ack"));
    close = late.close;
    const ok = await disconnect(
      { host: "127.0.0.1", port: late.port, secret: SECRET },
      { username: "alice" },
      { timeoutMs: 200, retries: 2 },
    );
    expect(ok).toMatchObject({ outcome: "ack", attempts: 3 });
    late.close();

    const forged = await testNas(() => "forged");
    close = forged.close;
    const result = await disconnect(
      { host: "127.0.0.1", port: forged.port, secret: SECRET },
      { username: "alice" },
      { timeoutMs: 150, retries: 1 },
    );
    expect(result).toMatchObject({ outcome: "timeout", attempts: 2 });
    expect(forged.seen).toHaveLength(2);
  });

  it("ends a suspended subscriber's open session at its NAS through the control endpoint", async () => {
    let radius: RunningRadius | undefined;
    const nas = await testNas(() => "ack");
    close = nas.close;
    const t = await startTenantDatabase();
    try {
      const box = new SecretBox(Buffer.alloc(32, 9));
      const nasId = await addLocalNas(t.db, box, SECRET, true);
      await t.db.update(nasClients).set({ coaPort: nas.port }).where(eq(nasClients.id, nasId));
      const [s] = await t.db
        .insert(subscribers)
        .values({ name: "Ada", serviceAddress: "1 Road", status: "active" })
        .returning();
      if (!s) throw new Error("no subscriber");
      const at = new Date();
      await t.db.insert(accountingSessions).values({
        nasId,
        acctSessionId: "live-1",
        subscriberId: s.id,
        username: "ada",
        nasIp: "127.0.0.1",
        framedIp: "100.64.0.20",
        startedAt: at,
        updatedAt: at,
      });
      // isp-ops's path: the RADIUS server's control endpoint sends the Disconnect-Request.
      radius = await serveRadius(t.db, box);
      const control = `http://127.0.0.1:${radius.controlPort}/control/disconnect`;
      const forged = await fetch(control, {
        method: "POST",
        headers: { authorization: "Bearer not-the-token", "content-type": "application/json" },
        body: JSON.stringify({
          nasId,
          nasIp: "127.0.0.1",
          username: "ada",
          acctSessionId: "live-1",
          framedIp: null,
        }),
      });
      expect(forged.status).toBe(401);
      const authorised = {
        authorization: `Bearer ${box.derive(RADIUS_CONTROL_PURPOSE)}`,
        "content-type": "application/json",
      };
      // Authorised, but not JSON, or too large to be a request: refused before it is read.
      const plain = await fetch(control, {
        method: "POST",
        headers: { ...authorised, "content-type": "text/plain" },
        body: "{}",
      });
      expect([plain.status, plain.headers.get("content-type")]).toEqual([415, "application/problem+json"]);
      const large = await fetch(control, { method: "POST", headers: authorised, body: "x".repeat(5000) });
      expect(large.status).toBe(413);
      // Authorised, but aimed outside the NAS's own network: the server sends nothing there.
      const elsewhere = await fetch(control, {
        method: "POST",
        headers: authorised,
        body: JSON.stringify({
          nasId,
          nasIp: "192.0.2.10",
          username: "ada",
          acctSessionId: "live-1",
          framedIp: null,
        }),
      });
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.text()).toContain("outside the network of NAS");
      expect(nas.seen).toHaveLength(0);
      // What isp-ops does on a suspension (apps/isp-ops/test/disconnect.test.ts drives it whole):
      // the subscriber is suspended, then each open session is sent here.
      await t.db.update(subscribers).set({ status: "suspended" }).where(eq(subscribers.id, s.id));
      const res = await fetch(control, {
        method: "POST",
        headers: authorised,
        body: JSON.stringify({
          nasId,
          nasIp: "127.0.0.1",
          username: "ada",
          acctSessionId: "live-1",
          framedIp: "100.64.0.20",
        }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ outcome: "ack" });
      expect(nas.seen[0]?.attributes).toMatchObject({
        "User-Name": "ada",
        "Acct-Session-Id": "live-1",
        "Framed-IP-Address": "100.64.0.20",
      });
      // Reauthorizing a session whose login would be refused now ends it, rather than changing it;
      // without the token, nothing is sent.
      const reauthorize = `http://127.0.0.1:${radius.controlPort}/control/reauthorize`;
      const session = { nasId, nasIp: "127.0.0.1", username: "ada", acctSessionId: "live-1", framedIp: null };
      expect(
        (
          await fetch(reauthorize, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(session),
          })
        ).status,
      ).toBe(401);
      const reauthorized = await fetch(reauthorize, {
        method: "POST",
        headers: authorised,
        body: JSON.stringify(session),
      });
      expect(await reauthorized.json()).toMatchObject({ outcome: "ack", via: "disconnect" });
      expect(nas.seen.map((p) => p.code)).toEqual(["Disconnect-Request", "Disconnect-Request"]);
    } finally {
      await radius?.stop();
      await t.stop();
    }
  });
});
