import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { run } from "@dotmac/devkit";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radiusCodec as radius } from "../src/packets.ts";
import type { RunningRadius } from "../src/server.ts";
import { addLocalNas, addPlan, addSubscriber, serveRadius } from "./harness.ts";

const SECRET = "faults-secret";

/** Faults from below the server (the host's firewall, a stalled database): counted, survived. */
describe("RADIUS server under faults", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  const box = new SecretBox(randomBytes(32));
  const servers: RunningRadius[] = [];

  const request = (identifier: number) =>
    radius.encode({
      code: "Access-Request",
      secret: SECRET,
      identifier,
      attributes: [
        ["User-Name", "faulty"],
        ["User-Password", "faulty-pw"],
      ],
      add_message_authenticator: true,
    });
  /** Sends the packets from one socket; the answers that arrive within `ms`. */
  const exchange = async (srv: RunningRadius, packets: Buffer[], ms = 1500) => {
    const socket = createSocket("udp4");
    const answers: string[] = [];
    socket.on("message", (answer) => answers.push(radius.decode({ packet: answer, secret: SECRET }).code));
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
    for (const p of packets) socket.send(p, srv.authPort, "127.0.0.1");
    await new Promise((r) => setTimeout(r, ms));
    socket.close();
    return answers;
  };
  const dropped = async (srv: RunningRadius, reason: string) => {
    const text = await (await fetch(`http://127.0.0.1:${srv.metricsPort}/metrics`)).text();
    return Number(
      text.match(new RegExp(`dotmac_radius_dropped_total\\{reason="${reason}"\\} (\\d+)`))?.[1] ?? 0,
    );
  };
  const start = async (opts: { maxInFlight?: number } = {}) => {
    const srv = await serveRadius(t.db, box, opts);
    servers.push(srv);
    return srv;
  };

  beforeAll(async () => {
    t = await startTenantDatabase();
    await addSubscriber(t.db, box, { username: "faulty", status: "active", planId: await addPlan(t.db) });
    await addLocalNas(t.db, box, SECRET, true);
  });
  afterAll(async () => {
    for (const srv of servers) await srv.stop();
    await t?.stop();
  });

  it("survives a reply the host refuses to send (EPERM), counts it, and answers once it may", async () => {
    const srv = await start();
    // What a NetworkPolicy or host firewall dropping the reply does to sendto().
    const rule = ["OUTPUT", "-p", "udp", "-s", "127.0.0.1", "--sport", String(srv.authPort), "-j", "DROP"];
    await run("iptables", ["-I", ...rule]);
    try {
      expect(await exchange(srv, [request(1)])).toEqual([]);
      expect(await dropped(srv, "send_failed")).toBe(1);
    } finally {
      await run("iptables", ["-D", ...rule]);
    }
    expect(await exchange(srv, [request(2)])).toEqual(["Access-Accept"]);
  });

  it("sheds load past its in-flight cap instead of queueing it, and recovers", async () => {
    const srv = await start({ maxInFlight: 2 });
    // A stalled database: every login waits on the credentials table.
    const released = t.db.$client.begin(async (tx) => {
      await tx`lock table radius_credentials in access exclusive mode`;
      await new Promise((r) => setTimeout(r, 1500));
    });
    await new Promise((r) => setTimeout(r, 200));
    const answers = await exchange(srv, [3, 4, 5, 6, 7, 8].map(request), 3000);
    await released;
    // The two it took on are answered once the database moves; the other four were refused at once.
    expect(answers).toEqual(["Access-Accept", "Access-Accept"]);
    expect(await dropped(srv, "overload")).toBe(4);
    expect(await exchange(srv, [request(9)])).toEqual(["Access-Accept"]);
  });
});
