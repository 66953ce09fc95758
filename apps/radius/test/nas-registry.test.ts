import { nasClients, SecretBox, sealedFor } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
