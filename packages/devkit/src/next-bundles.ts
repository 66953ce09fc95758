import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

/** What this module reads of a route's client-reference manifest. */
interface ClientManifest {
  readonly clientModules?: Record<string, unknown>;
  readonly entryJSFiles?: Record<string, string[]>;
}

/** The client-reference manifests `next build` writes per route (Turbopack), by route. */
async function clientManifests(
  appDir: string,
): Promise<Map<string, { route: string; dir: string; manifest: ClientManifest }>> {
  const root = join(appDir, ".next/server/app");
  const found = new Map<string, { route: string; dir: string; manifest: ClientManifest }>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith("_client-reference-manifest.js")) {
        const sandbox = { globalThis: {} as { __RSC_MANIFEST?: Record<string, ClientManifest> } };
        runInNewContext(await readFile(path, "utf8"), sandbox);
        for (const [route, manifest] of Object.entries(sandbox.globalThis.__RSC_MANIFEST ?? {})) {
          found.set(route, { route, dir, manifest });
        }
      }
    }
  };
  await walk(root);
  return found;
}

/** The source modules a manifest's route was built from, as `[project]/...` paths. */
function modulesOf(manifest: ClientManifest): Set<string> {
  const modules = new Set<string>();
  for (const key of Object.keys(manifest.clientModules ?? {})) modules.add(key.split(" ")[0] ?? key);
  for (const key of Object.keys(manifest.entryJSFiles ?? {})) modules.add(key);
  return modules;
}

/** Route groups such as (signed-in) organise files; they are not part of the URL. */
const urlOf = (route: string) => route.replace(/\/page$/, "").replace(/\/\([^)]*\)/g, "") || "/";

/** Every source module the app's client bundles were built from, as `[project]/...` paths. */
export async function clientModules(appDir: string): Promise<Set<string>> {
  const modules = new Set<string>();
  for (const { manifest } of (await clientManifests(appDir)).values())
    for (const m of modulesOf(manifest)) modules.add(m);
  return modules;
}

/**
 * Per page (by URL): the source modules its client code was built from, and the text of the
 * chunks its layouts and page load — what a browser visiting it is sent.
 */
export async function pageBundles(
  appDir: string,
): Promise<Map<string, { modules: Set<string>; text: string }>> {
  const out = new Map<string, { modules: Set<string>; text: string }>();
  for (const { route, manifest } of (await clientManifests(appDir)).values()) {
    if (!route.endsWith("/page") || route.includes("/api/") || route.startsWith("/_")) continue;
    const files = new Set<string>();
    for (const list of Object.values(manifest.entryJSFiles ?? {})) for (const f of list) files.add(f);
    const text = await Promise.all([...files].map((f) => readFile(join(appDir, ".next", f), "utf8")));
    out.set(urlOf(route), { modules: modulesOf(manifest), text: text.join("\n") });
  }
  return out;
}

/** The text of every JavaScript file the browser may load from the app. */
export async function clientChunkText(appDir: string): Promise<string> {
  const dir = join(appDir, ".next/static/chunks");
  const files = (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith(".js"));
  return (await Promise.all(files.map((f) => readFile(join(dir, String(f)), "utf8")))).join("\n");
}

/**
 * First-load JavaScript per route, gzipped: the runtime every page loads (rootMainFiles) plus the
 * chunks of the route's layouts and page (entryJSFiles), each file counted once. The legacy
 * polyfills (served to browsers without modules only) are left out.
 */
export async function firstLoadJs(
  appDir: string,
): Promise<{ route: string; files: number; gzipBytes: number }[]> {
  const out: { route: string; files: number; gzipBytes: number }[] = [];
  const sizes = new Map<string, number>();
  const gz = async (file: string) => {
    let size = sizes.get(file);
    if (size === undefined) {
      size = gzipSync(await readFile(join(appDir, ".next", file)), { level: 9 }).length;
      sizes.set(file, size);
    }
    return size;
  };
  for (const { route, dir, manifest } of (await clientManifests(appDir)).values()) {
    if (route.includes("/api/") || route.startsWith("/_")) continue;
    const build = JSON.parse(
      await readFile(join(dir, relative(dir, join(dir, "page", "build-manifest.json"))), "utf8").catch(
        () => "{}",
      ),
    );
    const files = new Set<string>([...(build.rootMainFiles ?? [])]);
    for (const list of Object.values(manifest.entryJSFiles ?? {})) for (const f of list) files.add(f);
    let total = 0;
    for (const f of files) total += await gz(f);
    out.push({ route: urlOf(route), files: files.size, gzipBytes: total });
  }
  return out.sort((a, b) => a.route.localeCompare(b.route));
}
