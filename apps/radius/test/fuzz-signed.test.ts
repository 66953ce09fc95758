import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { Session } from "node:inspector/promises";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radiusCodec as radius } from "../src/packets.ts";
import type { RunningRadius } from "../src/server.ts";
import { addLocalNas, addPlan, addSubscriber, askOnce, serveRadius } from "./harness.ts";

const SECRET = "fuzz-signed-secret";
const PACKETS = 20_000;
const MESSAGE_AUTHENTICATOR = 80;

/** Attributes as they sit in a packet: [type, value], values at most 253 octets. */
type Raw = [number, Buffer][];

function attributesOf(packet: Buffer): Raw {
  const out: Raw = [];
  for (let at = 20; at + 2 <= packet.length; ) {
    const len = packet[at + 1] ?? 0;
    out.push([packet[at] ?? 0, Buffer.from(packet.subarray(at + 2, at + len))]);
    at += len;
  }
  return out;
}

const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)] as T;

/** Wrong at the attribute level, but framed so a decoder takes it: the fuzzing that matters. */
function mutateAttributes(attrs: Raw): Raw {
  const out: Raw = attrs.map(([t, v]) => [t, Buffer.from(v)]);
  for (let n = randomInt(1, 4); n > 0; n--) {
    const i = randomInt(out.length);
    const [type, value] = out[i] ?? [1, Buffer.alloc(0)];
    switch (randomInt(8)) {
      case 0: // noise of another length in place of a value (an integer of 3 bytes, a 49-byte MS-CHAP response…)
        out[i] = [type, randomBytes(randomInt(0, 254))];
        break;
      case 1: // flipped bits inside a value (User-Password blocks, CHAP, vendor payloads)
        for (let k = 0; k < value.length && k < 4; k++) {
          const at = randomInt(value.length);
          value[at] = (value[at] ?? 0) ^ (1 << randomInt(8));
        }
        break;
      case 2: // a value cut short
        out[i] = [type, value.subarray(0, randomInt(0, value.length + 1))];
        break;
      case 3: {
        // a vendor attribute (Microsoft, MikroTik, WISPr or unknown) whose inner lengths lie
        const vendor = Buffer.alloc(4);
        vendor.writeUInt32BE(pick([1, 311, 14988, 14122]));
        out.push([26, Buffer.concat([vendor, randomBytes(randomInt(0, 40))])]);
        break;
      }
      case 4: // a Microsoft vendor attribute with a random inner type and length
        out.push([
          26,
          Buffer.concat([
            Buffer.from([0, 0, 1, 55, randomInt(256), randomInt(256)]),
            randomBytes(randomInt(0, 60)),
          ]),
        ]);
        break;
      case 5: // an attribute of any type, known or not
        out.push([randomInt(1, 256), randomBytes(randomInt(0, 60))]);
        break;
      case 6: // the same attribute again
        out.push([type, Buffer.from(value)]);
        break;
      default: // one dropped
        out.splice(i, 1);
    }
  }
  return out.filter(([t]) => t !== MESSAGE_AUTHENTICATOR);
}

/**
 * A packet from these attributes, signed with the NAS secret as a NAS would: a Message-Authenticator
 * first (always, for Access; when asked, for Accounting), and for Accounting the Request
 * Authenticator; so it passes every check before the decoder and reaches it.
 */
function signed(code: number, authenticator: Buffer, attrs: Raw, withMa: boolean): Buffer {
  const body = Buffer.concat([
    ...(withMa ? [Buffer.from([MESSAGE_AUTHENTICATOR, 18]), Buffer.alloc(16)] : []),
    ...attrs.map(([t, v]) => Buffer.concat([Buffer.from([t, v.length + 2]), v])),
  ]);
  const packet = Buffer.concat([Buffer.from([code, randomInt(256), 0, 0]), authenticator, body]);
  packet.writeUInt16BE(packet.length, 2);
  const accounting = code === 4;
  if (accounting) packet.fill(0, 4, 20);
  if (withMa) createHmac("md5", SECRET).update(packet).digest().copy(packet, 22);
  if (accounting) createHash("md5").update(packet).update(SECRET).digest().copy(packet, 4);
  return packet;
}

/** What the V8 profiler saw run, by function, in the files that decode a request. */
async function reachedFunctions(session: Session, files: RegExp): Promise<Map<string, number>> {
  const { result } = await session.post("Profiler.takePreciseCoverage");
  const reached = new Map<string, number>();
  for (const script of result.filter((s) => files.test(s.url))) {
    for (const fn of script.functions) {
      const count = fn.ranges[0]?.count ?? 0;
      if (fn.functionName && count > 0) {
        const name = `${script.url.split("/").at(-1)}:${fn.functionName}`;
        reached.set(name, (reached.get(name) ?? 0) + count);
      }
    }
  }
  return reached;
}

/**
 * Mutations re-signed with the NAS secret, so they pass the authenticator checks and reach the
 * attribute decoder, User-Password, CHAP, MS-CHAPv2, vendor attributes and accounting: the server
 * never dies, its memory stays bounded, a genuine request is still answered, and the run reports
 * which decoding functions it reached (the V8 profiler's precise coverage).
 */
describe("RADIUS server under hostile, correctly signed traffic", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let srv: RunningRadius;
  const box = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    t = await startTenantDatabase();
    // Its password is "fuzzy-pw" (the harness's `<username>-pw`).
    await addSubscriber(t.db, box, { username: "fuzzy", status: "active", planId: await addPlan(t.db) });
    await addLocalNas(t.db, box, SECRET, true);
    srv = await serveRadius(t.db, box, { maxInFlight: 64 });
  });
  afterAll(async () => {
    await srv?.stop();
    await t?.stop();
  });

  const ask = (packet: Buffer) => askOnce(packet, srv.authPort);

  /** Genuine requests of each kind the server decodes, as radius.encode writes them. */
  const seeds = () => {
    const access = (attributes: unknown[]) =>
      radius.encode({ code: "Access-Request", secret: SECRET, attributes, add_message_authenticator: true });
    return {
      pap: access([
        ["User-Name", "fuzzy"],
        ["User-Password", "fuzzy-pw"],
        ["NAS-IP-Address", "127.0.0.1"],
      ]),
      chap: access([
        ["User-Name", "fuzzy"],
        ["CHAP-Password", Buffer.concat([Buffer.from([1]), randomBytes(16)])],
        ["CHAP-Challenge", randomBytes(16)],
      ]),
      msChap: access([
        ["User-Name", "fuzzy"],
        [
          "Vendor-Specific",
          311,
          [
            ["MS-CHAP-Challenge", randomBytes(16)],
            ["MS-CHAP2-Response", Buffer.concat([Buffer.from([1, 0]), randomBytes(48)])],
          ],
        ],
      ]),
      accounting: radius.encode({
        code: "Accounting-Request",
        secret: SECRET,
        attributes: [
          ["Acct-Status-Type", "Interim-Update"],
          ["Acct-Session-Id", "fuzz-1"],
          ["User-Name", "fuzzy"],
          ["Acct-Input-Octets", 1000],
          ["Acct-Input-Gigawords", 1],
          ["Acct-Output-Octets", 2000],
          ["Framed-IP-Address", "100.64.0.9"],
          ["Vendor-Specific", 14988, [["Mikrotik-Rate-Limit", "10M/10M"]]],
        ],
      }),
    };
  };

  it(`survives ${PACKETS.toLocaleString("en")} mutated packets signed with the NAS secret, reaching the decoder`, async () => {
    const genuine = seeds().pap;
    const before = await ask(genuine);
    expect(before && radius.decode({ packet: before, secret: SECRET }).code).toBe("Access-Accept");

    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;

    const sender = createSocket("udp4");
    await new Promise<void>((r) => sender.bind(0, "127.0.0.1", () => r()));
    let answers = 0;
    sender.on("message", () => {
      answers += 1;
    });
    const kinds = seeds();
    for (let i = 0; i < PACKETS; i++) {
      const kind = pick(["pap", "chap", "msChap", "accounting"] as const);
      const seed = kinds[kind];
      const accounting = kind === "accounting";
      const packet = signed(
        seed[0] ?? 1,
        accounting ? Buffer.alloc(16) : randomBytes(16),
        mutateAttributes(attributesOf(seed)),
        !accounting || randomInt(2) === 0,
      );
      sender.send(packet, accounting ? srv.acctPort : srv.authPort, "127.0.0.1");
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 1500));
    sender.close();

    const reached = await reachedFunctions(session, /radius\/lib\/radius\.js|apps\/radius\/src\//);
    await session.post("Profiler.stopPreciseCoverage");
    session.disconnect();

    const after = await ask(genuine);
    expect(after && radius.decode({ packet: after, secret: SECRET }).code).toBe("Access-Accept");
    global.gc?.();
    expect((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toBeLessThan(64);

    const metrics = await (await fetch(`http://127.0.0.1:${srv.metricsPort}/metrics`)).text();
    const count = (pattern: RegExp) =>
      [...metrics.matchAll(pattern)].reduce((sum, [, n]) => sum + Number(n), 0);
    const dropped = count(/dotmac_radius_dropped_total\{reason="[a-z_]+"\} (\d+)/g);
    const badAuthenticators = count(/dotmac_radius_dropped_total\{reason="bad_authenticator"\} (\d+)/g);
    // Signed as the NAS would: past the authenticator checks, answered or refused by the decoder.
    expect(badAuthenticators).toBe(0);
    expect(answers).toBeGreaterThan(PACKETS * 0.1);
    expect(metrics).toMatch(/dotmac_radius_dropped_total\{reason="malformed"\} [1-9]/);

    const report = [...reached].sort(([a], [b]) => a.localeCompare(b));
    process.stdout.write(
      `decoding functions reached (calls), ${answers} answered, ${dropped} dropped:\n${report.map(([f, n]) => `  ${f.padEnd(48)} ${n}`).join("\n")}\n`,
    );
    const names = report.map(([f]) => f);
    expect(names).toEqual(
      expect.arrayContaining([
        "radius.js:Radius.decode_attributes",
        "packets.ts:decodeRequest",
        "packets.ts:openUserPassword",
        "chap.ts:chapMatches",
        "mschap.ts:msChapV2Request",
        "mschap.ts:verifyMsChapV2",
        "packets.ts:octets",
      ]),
    );
  }, 180_000);
});
