import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { auditLogs, nasClients, radiusCredentials, sealedFor } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resealSecrets } from "../src/server/reseal.ts";
import { type Json, startApi } from "./harness.ts";

const bin = fileURLToPath(new URL("../bin/dotmac-isp-ops.js", import.meta.url));
const run = promisify(execFile);

/** A tenant key rotated: the old key's secrets sealed again with the new one, then the old key dropped. */
describe("rotating a tenant's secrets key", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  const newKey = Buffer.alloc(32, 5);
  const subscribers: string[] = [];
  let nasId = "";

  beforeAll(async () => {
    h = await startApi();
    const plan = await h.call("/plans", {
      method: "POST",
      cookie: h.admin,
      json: { name: "Rotation", downloadKbps: 50_000, uploadKbps: 10_000 },
    });
    for (let i = 0; i < 3; i++) {
      const s = await h.call("/subscribers", {
        method: "POST",
        cookie: h.admin,
        json: {
          name: `Rotated ${i}`,
          serviceAddress: "1 Key Street",
          planId: (plan.body as Json).id,
          username: `rotated-${i}`,
          password: `router-password-${i}`,
        },
      });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      subscribers.push((s.body as Json).id);
    }
    const nas = await h.call("/nas", {
      method: "POST",
      cookie: h.admin,
      json: { name: "bng-rotation", network: "198.51.100.0/28", secret: "nas-shared-secret" },
    });
    expect(nas.status, JSON.stringify(nas.body)).toBe(201);
    nasId = (nas.body as Json).id;
  });
  afterAll(async () => {
    await h?.stop();
  });

  const sealedRows = async () => [
    ...(
      await h.db
        .select({ id: radiusCredentials.subscriberId, sealed: radiusCredentials.passwordEncrypted })
        .from(radiusCredentials)
    ).map((r) => ({ ...r, context: sealedFor.radiusPassword(r.id) })),
    ...(await h.db.select({ id: nasClients.id, sealed: nasClients.secretEncrypted }).from(nasClients)).map(
      (r) => ({
        ...r,
        context: sealedFor.nasSecret(r.id),
      }),
    ),
  ];

  it("re-seals everything with the new key, once, so the new key alone opens it", async () => {
    const rotated = new SecretBox(newKey, [Buffer.from(h.secretsKey, "base64")]);
    const report = await resealSecrets(h.db, rotated);
    expect(report).toEqual({
      keyId: rotated.keyId,
      resealed: { radiusPasswords: 3, nasSecrets: 1 },
      unreadable: { radiusPasswords: [], nasSecrets: [] },
    });
    const alone = new SecretBox(newKey);
    const opened = (await sealedRows()).map((r) => alone.open(r.sealed, r.context)).sort();
    expect(opened).toEqual([
      "nas-shared-secret",
      "router-password-0",
      "router-password-1",
      "router-password-2",
    ]);
    expect((await resealSecrets(h.db, rotated)).resealed).toEqual({ radiusPasswords: 0, nasSecrets: 0 });
    const audited = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "secrets.resealed"));
    expect(audited.map((a) => (a.after as Json).resealed)).toEqual([
      { radiusPasswords: 3, nasSecrets: 1 },
      { radiusPasswords: 0, nasSecrets: 0 },
    ]);
  });

  it("through the CLI: names a row no key opens and exits 1, re-sealing the rest", async () => {
    const third = new SecretBox(Buffer.alloc(32, 6));
    const lost = subscribers[0] ?? "";
    await h.db
      .update(radiusCredentials)
      .set({
        passwordEncrypted: new SecretBox(Buffer.alloc(32, 7)).seal("gone", sealedFor.radiusPassword(lost)),
      })
      .where(eq(radiusCredentials.subscriberId, lost));
    const env = {
      ...process.env,
      DATABASE_URL: h.t.url,
      TENANT_SECRETS_KEY: Buffer.alloc(32, 6).toString("base64"),
      TENANT_SECRETS_PREVIOUS_KEYS: `${newKey.toString("base64")},${h.secretsKey}`,
    };
    const failed = await run(process.execPath, [bin, "reseal"], { env }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/1 sealed secrets no key of the ring opens/);
    expect(JSON.parse(failed?.stdout ?? "{}")).toEqual({
      keyId: third.keyId,
      resealed: { radiusPasswords: 2, nasSecrets: 1 },
      unreadable: { radiusPasswords: [lost], nasSecrets: [] },
    });
    const readable = (await sealedRows()).filter((r) => r.id !== lost);
    expect(readable.every((r) => third.sealedWithCurrent(r.sealed))).toBe(true);
    expect(readable.find((r) => r.id === nasId)).toBeDefined();
  });
});
