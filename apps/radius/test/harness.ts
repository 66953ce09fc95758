import { createSocket } from "node:dgram";
import type { SubscriberStatus } from "@dotmac/contracts";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import {
  nasClients,
  radiusCredentials,
  sealedFor,
  servicePlans,
  subscribers,
  type TenantDb,
} from "@dotmac/tenant-db";
import pino from "pino";
import { NasRegistry } from "../src/nas.ts";
import { type RadiusServerOptions, type RunningRadius, startRadius } from "../src/server.ts";

/** The NAS test packets come from (127.0.0.1 unless told), with its secret sealed as isp-ops would. */
export async function addLocalNas(
  db: TenantDb,
  box: SecretBox,
  secret: string,
  requireMessageAuthenticator: boolean,
  network = "127.0.0.1/32",
) {
  const id = crypto.randomUUID();
  await db.insert(nasClients).values({
    id,
    name: `nas-${id.slice(0, 8)}`,
    network,
    secretEncrypted: box.seal(secret, sealedFor.nasSecret(id)),
    requireMessageAuthenticator,
  });
  return id;
}

/** Our server on free ports of 127.0.0.1 over that database. */
export async function serveRadius(
  db: TenantDb,
  box: SecretBox,
  opts: Pick<RadiusServerOptions, "maxInFlight" | "replyReasons"> = {},
): Promise<RunningRadius> {
  const registry = new NasRegistry(db, box);
  return startRadius({
    db,
    box,
    nas: registry,
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    host: "127.0.0.1",
    authPort: 0,
    acctPort: 0,
    metricsPort: 0,
    controlPort: 0,
    ...opts,
  });
}

/** A service plan (Fibre 100, 100/20 Mbit/s) for subscribers to be on; its id. */
export async function addPlan(db: TenantDb): Promise<string | null> {
  const [plan] = await db
    .insert(servicePlans)
    .values({
      name: "Fibre 100",
      downloadKbps: 100_000,
      uploadKbps: 20_000,
      priceMinor: 2999,
      currency: "EUR",
    })
    .returning();
  return plan?.id ?? null;
}

/** A subscriber with a RADIUS login whose password is `<username>-pw`, sealed as isp-ops would. */
export async function addSubscriber(
  db: TenantDb,
  box: SecretBox,
  input: { username: string; status: SubscriberStatus; planId: string | null; staticIp?: string },
) {
  const [s] = await db
    .insert(subscribers)
    .values({
      name: input.username,
      serviceAddress: "2 Fibre Lane",
      status: input.status,
      planId: input.planId,
      ...(input.staticIp ? { staticIp: input.staticIp } : {}),
    })
    .returning();
  if (!s) throw new Error("no subscriber");
  await db.insert(radiusCredentials).values({
    subscriberId: s.id,
    username: input.username,
    passwordEncrypted: box.seal(`${input.username}-pw`, sealedFor.radiusPassword(s.id)),
  });
  return s;
}

/** One datagram to a RADIUS port on 127.0.0.1 and its answer, or undefined after two seconds. */
export function askOnce(packet: Buffer, port: number): Promise<Buffer | undefined> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, 2000);
    socket.on("message", (answer) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    });
    socket.send(packet, port, "127.0.0.1");
  });
}
