import { createSocket } from "node:dgram";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StaffPermission } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { type RadiusProcess, startRadiusProcess } from "@dotmac/devkit";
import { accountingSessions, auditLogs, nasClients, sealedFor } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIspOpsApi } from "../src/server/api.ts";
import { radiusDisconnector } from "../src/server/disconnector.ts";
import { createStaff } from "../src/server/staff.ts";

const radius = createRequire(import.meta.url)("radius") as {
  decode(a: { packet: Buffer; secret: string }): { code: string; attributes: Record<string, unknown> };
  encode_response(a: { packet: unknown; code: string; secret: string }): Buffer;
};
const NAS_SECRET = "bng-coa-secret";

/**
 * Suspending through the isp-ops API ends the subscriber's session at their NAS: isp-ops asks the
 * tenant's RADIUS server (its own process, `dotmac-radius serve`) which sends RFC 5176.
 */
describe("suspend → Disconnect-Request at the NAS", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let server: RadiusProcess | undefined;
  const box = new SecretBox(Buffer.alloc(32, 6));
  const seen: Record<string, unknown>[] = [];
  const nas = createSocket("udp4");
  let controlUrl: string;

  beforeAll(async () => {
    t = await startTenantDatabase();
    nas.on("message", (packet, peer) => {
      const request = radius.decode({ packet, secret: NAS_SECRET });
      seen.push(request.attributes);
      nas.send(
        radius.encode_response({ packet: request, code: "Disconnect-ACK", secret: NAS_SECRET }),
        peer.port,
        peer.address,
      );
    });
    await new Promise<void>((r) => nas.bind(0, "127.0.0.1", () => r()));
    server = await startRadiusProcess(
      "radius-disconnect-test",
      { DATABASE_URL: t.url, TENANT_SECRETS_KEY: Buffer.alloc(32, 6).toString("base64"), LOG_LEVEL: "error" },
      join(await mkdtemp(join(tmpdir(), "radius-")), "radius.log"),
    );
    controlUrl = `http://127.0.0.1:${server.controlPort}`;
  });
  afterAll(async () => {
    await server?.service.stop();
    nas.close();
    await t?.stop();
  });

  it("sends the Disconnect-Request through the tenant's RADIUS server and records the ACK", async () => {
    const api = createIspOpsApi({ db: t.db, box, disconnect: radiusDisconnector(controlUrl, box) });
    await createStaff(t.db, {
      email: "ops@isp.test",
      displayName: "Ops",
      password: "ops-password-1",
      role: "ops",
      permissions: [...StaffPermission.options],
    });
    const login = await api.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@isp.test", password: "ops-password-1" }),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const call = (path: string, json: unknown) =>
      api.request(`/api/v1${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify(json),
      });

    // A BNG whose network is wider than its address: the request goes to the session's NAS-IP.
    const nasId = crypto.randomUUID();
    await t.db.insert(nasClients).values({
      id: nasId,
      name: "bng-1",
      network: "127.0.0.0/8",
      coaPort: nas.address().port,
      secretEncrypted: box.seal(NAS_SECRET, sealedFor.nasSecret(nasId)),
    });
    const created = (await (
      await call("/subscribers", {
        name: "Ada",
        serviceAddress: "1 Road",
        username: "ada",
        password: "ada-password",
      })
    ).json()) as { id: string };
    expect((await call(`/subscribers/${created.id}/status`, { to: "active" })).status).toBe(200);
    await t.db.insert(accountingSessions).values({
      nasId,
      acctSessionId: "pppoe-42",
      subscriberId: created.id,
      username: "ada",
      nasIp: "127.0.0.1",
      framedIp: "100.64.3.3",
      startedAt: new Date(),
      updatedAt: new Date(),
    });

    const suspended = await call(`/subscribers/${created.id}/status`, { to: "suspended", reason: "unpaid" });
    expect(await suspended.json()).toMatchObject({ to: "suspended", disconnected: 1 });
    expect(seen).toEqual([
      { "User-Name": "ada", "Acct-Session-Id": "pppoe-42", "Framed-IP-Address": "100.64.3.3" },
    ]);
    const [audit] = await t.db.select().from(auditLogs).where(eq(auditLogs.action, "session.disconnect"));
    expect(audit?.after).toMatchObject({ nasId, outcome: "ack" });

    // A RADIUS server that does not know the token is refused, and the outcome says so.
    const wrong = radiusDisconnector(controlUrl, new SecretBox(Buffer.alloc(32, 1)));
    const refused = await wrong({
      nasId,
      nasNetwork: "127.0.0.0/8",
      coaPort: 1,
      nasIp: "127.0.0.1",
      username: "ada",
      acctSessionId: "x",
      framedIp: null,
    });
    expect(refused.outcome).toBe("error");
    expect(refused.errorCause).toBe("RADIUS control answered 401: bad control token");
  });
});
