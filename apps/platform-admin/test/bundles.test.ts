import { join } from "node:path";
import { clientChunkText, clientModules, repoRoot, run } from "@dotmac/devkit";
import { beforeAll, describe, expect, it } from "vitest";

const apps = {
  "isp-ops": join(repoRoot, "apps/isp-ops"),
  "platform-admin": join(repoRoot, "apps/platform-admin"),
};

/** Strings only one app's browser code contains: its API's path and words of its own screens. */
const markers = {
  "isp-ops": ["/api/v1/subscribers", "RADIUS password", "Create subscriber", "Add NAS"],
  "platform-admin": ["/api/platform/v1", "Next: branding", "Check drift", "The stamp will create"],
};

/**
 * The seed's first security rule: the admin app's code never ships to an ISP's staff and the
 * ISP app's never to platform admins. Both apps are built, then their client bundles are read:
 * by the source modules they were built from, and by strings unique to each.
 */
describe("separate browser bundles", () => {
  const built: Record<string, { modules: Set<string>; text: string }> = {};

  beforeAll(async () => {
    for (const [name, dir] of Object.entries(apps)) {
      await run("npx", ["next", "build"], {
        cwd: dir,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      built[name] = { modules: await clientModules(dir), text: await clientChunkText(dir) };
    }
  }, 600_000);

  it("builds each app's client code from its own sources only", () => {
    for (const [name, other] of [
      ["isp-ops", "platform-admin"],
      ["platform-admin", "isp-ops"],
    ] as const) {
      const modules = [...(built[name]?.modules ?? [])];
      expect(modules.filter((m) => m.startsWith(`[project]/apps/${name}/`)).length, name).toBeGreaterThan(5);
      expect(
        modules.filter((m) => m.includes(`/apps/${other}/`)),
        `${other} modules in ${name}`,
      ).toEqual([]);
    }
  });

  it("ships each app's words to its own browsers and none of the other's", () => {
    for (const [name, other] of [
      ["isp-ops", "platform-admin"],
      ["platform-admin", "isp-ops"],
    ] as const) {
      const text = built[name]?.text ?? "";
      for (const marker of markers[name]) expect(text, `${marker} in ${name}`).toContain(marker);
      for (const marker of markers[other]) expect(text, `${marker} in ${name}`).not.toContain(marker);
    }
  });
});
