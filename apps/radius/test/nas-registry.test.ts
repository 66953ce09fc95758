import { SecretBox } from "@dotmac/crypto/secret-box";
import { nasClients, sealedFor } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRadiusMetrics } from "../src/metrics.ts";
import { NasRegistry } from "../src/nas.ts";
import { addLocalNas } from "./harness.ts";

describe("NAS registry", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  const box = new SecretBox(Buffer.alloc(32, 9));

  beforeAll(async () => {
    t = await startTenantDatabase();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("loses no change made while a reload is running: the reload asked for after it sees it", async () => {
    const id = await addLocalNas(t.db, box, "first-secret", true);
    const registry = new NasRegistry(t.db, box);
    for (let round = 0; round < 20; round++) {
      const running = registry.reload();
      const secret = `secret-${round}`;
      await t.db
        .update(nasClients)
        .set({ secretEncrypted: box.seal(secret, sealedFor.nasSecret(id)) })
        .where(eq(nasClients.id, id));
      await Promise.all([running, registry.reload()]);
      expect(registry.find("127.0.0.1")?.secret).toBe(secret);
    }
  });

  it("serves every call made during a reload with one more reload, not one each", async () => {
    const registry = new NasRegistry(t.db, box);
    const first = registry.reload();
    const [second, third] = [registry.reload(), registry.reload()];
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    await Promise.all([first, second]);
    const later = registry.reload();
    expect(later).not.toBe(second);
    await later;
  });

  it("finds the most specific network first, and nothing outside them", async () => {
    const registry = new NasRegistry(t.db, box);
    const wide = crypto.randomUUID();
    await t.db.insert(nasClients).values({
      id: wide,
      name: "pop-wide",
      network: "127.0.0.0/8",
      secretEncrypted: box.seal("wide-secret", sealedFor.nasSecret(wide)),
    });
    await registry.reload();
    expect(registry.find("127.0.0.1")?.name).toMatch(/^nas-/);
    expect(registry.find("::ffff:127.0.0.2")?.name).toBe("pop-wide");
    expect(registry.find("192.0.2.1")).toBeUndefined();
  });

  it("leaves out, names and counts a NAS whose secret no key opens, and still loads the others", async () => {
    const good = crypto.randomUUID();
    const lost = crypto.randomUUID();
    await t.db.insert(nasClients).values([
      {
        id: good,
        name: "pop-good",
        network: "198.51.100.0/24",
        secretEncrypted: box.seal("good", sealedFor.nasSecret(good)),
      },
      {
        id: lost,
        name: "pop-lost-key",
        network: "203.0.113.0/24",
        secretEncrypted: new SecretBox(Buffer.alloc(32, 8)).seal("lost", sealedFor.nasSecret(lost)),
      },
    ]);
    const told: (readonly string[])[] = [];
    const registry = new NasRegistry(t.db, box, (names) => told.push(names));
    await registry.reload();
    expect(registry.current).toBe(true);
    expect(registry.find("198.51.100.7")?.secret).toBe("good");
    expect(registry.find("203.0.113.7")).toBeUndefined();
    expect(registry.unreadable).toEqual(["pop-lost-key"]);
    expect(told).toEqual([["pop-lost-key"]]);
    const metrics = createRadiusMetrics(() => registry.unreadable.length);
    expect(await metrics.registry.getSingleMetricAsString("dotmac_radius_nas_unreadable")).toMatch(
      /dotmac_radius_nas_unreadable 1$/m,
    );
    await t.db.delete(nasClients).where(eq(nasClients.id, lost));
    await registry.reload();
    expect(registry.unreadable).toEqual([]);
  });
});
