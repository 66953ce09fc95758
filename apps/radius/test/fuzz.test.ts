import { randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radiusCodec as radius } from "../src/packets.ts";
import type { RunningRadius } from "../src/server.ts";
import { addLocalNas, addPlan, addSubscriber, askOnce, serveRadius } from "./harness.ts";

const SECRET = "fuzz-secret";
const PACKETS = 100_000;

/** Ways a packet goes wrong: noise, flipped bits, cut short, lying lengths, broken attributes. */
function mutate(valid: Buffer): Buffer {
  const p = Buffer.from(valid);
  switch (randomInt(6)) {
    case 0:
      return randomBytes(randomInt(0, 4200));
    case 1:
      for (let n = randomInt(1, 8); n > 0; n--) {
        const i = randomInt(p.length);
        p[i] = (p[i] ?? 0) ^ (1 << randomInt(8));
      }
      return p;
    case 2:
      return p.subarray(0, randomInt(0, p.length));
    case 3:
      p.writeUInt16BE(randomInt(0, 65536), 2);
      return p;
    case 4:
      p[20 + 1] = randomInt(0, 3); // the first attribute's length: 0, 1 or 2
      return p;
    default:
      return Buffer.concat([p, randomBytes(randomInt(1, 300))]);
  }
}

describe("RADIUS server under hostile traffic", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let srv: RunningRadius;
  const box = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    t = await startTenantDatabase();
    // Its password is "fuzzy-pw" (the harness's `<username>-pw`).
    await addSubscriber(t.db, box, { username: "fuzzy", status: "active", planId: await addPlan(t.db) });
    await addLocalNas(t.db, box, SECRET, true);
    srv = await serveRadius(t.db, box);
  });
  afterAll(async () => {
    await srv?.stop();
    await t?.stop();
  });

  const ask = (packet: Buffer) => askOnce(packet, srv.authPort);
  const valid = () =>
    radius.encode({
      code: "Access-Request",
      secret: SECRET,
      attributes: [
        ["User-Name", "fuzzy"],
        ["User-Password", "fuzzy-pw"],
      ],
      add_message_authenticator: true,
    });

  it(`survives ${PACKETS.toLocaleString("en")} random and mutated packets, in bounded memory, and still answers`, async () => {
    const before = await ask(valid());
    expect(before && radius.decode({ packet: before, secret: SECRET }).code).toBe("Access-Accept");
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;

    const sender = createSocket("udp4");
    await new Promise<void>((r) => sender.bind(0, "127.0.0.1", () => r()));
    for (let i = 0; i < PACKETS; i++) {
      const port = i % 2 === 0 ? srv.authPort : srv.acctPort;
      sender.send(mutate(valid()), port, "127.0.0.1");
      // Let the server breathe now and then, as a real network would.
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 1000));
    sender.close();

    const after = await ask(valid());
    expect(after && radius.decode({ packet: after, secret: SECRET }).code).toBe("Access-Accept");
    global.gc?.();
    const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(growthMb).toBeLessThan(64);
    const metrics = await (await fetch(`http://127.0.0.1:${srv.metricsPort}/metrics`)).text();
    const dropped = [...metrics.matchAll(/dotmac_radius_dropped_total\{reason="([a-z_]+)"\} (\d+)/g)].map(
      ([, reason, n]) => [reason, Number(n)] as const,
    );
    const total = dropped.reduce((sum, [, n]) => sum + n, 0);
    // Nearly all reached the server and were dropped there (the kernel may lose a few under load).
    expect(total).toBeGreaterThan(PACKETS * 0.8);
    expect(dropped.map(([reason]) => reason)).toEqual(
      expect.arrayContaining(["malformed", "missing_message_authenticator"]),
    );
    expect(metrics).toMatch(/dotmac_radius_duplicate_cache_entries \d+/);
  });
});
