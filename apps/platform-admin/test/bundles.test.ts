import { join } from "node:path";
import { clientChunkText, clientModules, pageBundles, repoRoot, run } from "@dotmac/devkit";
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

/** Words of isp-ops's staff screens and of its customer portal, each in its own client code only. */
const sides = {
  staff: ["Create subscriber", "RADIUS password", "Make a card payment link", "Internal note"],
  portal: ["Send confirmation link", "Confirm this address", "Your password is set."],
};

/**
 * The seed's first security rule: the admin app's code never ships to an ISP's staff and the
 * ISP app's never to platform admins. Both apps are built, then their client bundles are read:
 * by the source modules they were built from, and by strings unique to each.
 */
describe("separate browser bundles", () => {
  const built: Record<string, { modules: Set<string>; text: string }> = {};
  let ispOpsPages: Awaited<ReturnType<typeof pageBundles>>;

  beforeAll(async () => {
    for (const [name, dir] of Object.entries(apps)) {
      await run("npx", ["next", "build"], {
        cwd: dir,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      built[name] = { modules: await clientModules(dir), text: await clientChunkText(dir) };
    }
    ispOpsPages = await pageBundles(apps["isp-ops"]);
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

  it("sends subscribers none of isp-ops's staff code, and staff none of the portal's", () => {
    const components = "[project]/apps/isp-ops/src/components/";
    const pages = [...ispOpsPages].map(([url, page]) => ({
      url,
      ...page,
      portal: url.startsWith("/portal"),
    }));
    expect(pages.filter((p) => p.portal).length).toBeGreaterThanOrEqual(7);
    expect(pages.filter((p) => !p.portal).length).toBeGreaterThanOrEqual(7);
    for (const { url, modules, text, portal } of pages) {
      const ours = [...modules].filter((m) => m.startsWith(components));
      const theirs = ours.filter((m) => m.startsWith(`${components}portal/`) !== portal);
      expect(theirs, `${portal ? "staff" : "portal"} modules in ${url}`).toEqual([]);
      for (const marker of sides[portal ? "staff" : "portal"])
        expect(text, `"${marker}" in ${url}`).not.toContain(marker);
    }
    // zod (some 40 KB gzipped) stays on the server: forms offer values from the zod-free modules.
    for (const { url, text } of pages) expect(text.includes("ZodError"), `zod in ${url}`).toBe(false);
    // The words are where they belong: the checks above could not pass by finding nothing.
    const textOf = (url: string) => ispOpsPages.get(url)?.text ?? "";
    expect(textOf("/portal/account")).toContain("Send confirmation link");
    expect(textOf("/dashboard/subscribers/new")).toContain("RADIUS password");
  });
});
