import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The house rules of docs/architecture.md, checked over every tracked source file: imports run
 * only downward (nothing imports an app, apps never import each other), there are no import
 * cycles (type-only imports count: a cycle of types is a cycle of meaning), and a file over 300
 * lines says why at its top.
 */
const root = resolve(import.meta.dirname, "../../..");
// Tracked and new files alike (not ignored ones), as they are on disk: the check sees a change before it is committed.
const sources = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "*.ts", "*.tsx"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f !== "" && !f.endsWith(".d.ts") && existsSync(join(root, f)));

/** The workspaces' names and export maps, to follow `@dotmac/<name>/<subpath>` to a file. */
interface Manifest {
  name: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Manifest;
const declared = (m: Manifest) =>
  new Set([m.dependencies, m.devDependencies, m.peerDependencies].flatMap((d) => Object.keys(d ?? {})));
const workspaces = new Map<string, { dir: string; exports: Record<string, string>; declares: Set<string> }>();
for (const dir of ["components", ...["apps", "packages"].flatMap((d) => listDirs(d))]) {
  const manifest = manifestOf(dir);
  workspaces.set(manifest.name, { dir, exports: manifest.exports ?? {}, declares: declared(manifest) });
}
/** The root's tools (vitest, typescript, the Pulumi SDK) serve every workspace. */
const everywhere = declared(manifestOf("."));

function listDirs(parent: string): string[] {
  return execFileSync("git", ["ls-files", "-co", "--exclude-standard", `${parent}/*/package.json`], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => f.split("/").length === 3)
    .map((f) => dirname(f));
}

/** A subpath matched by a pattern export such as `"./routes/*": "./src/routes/*.ts"`. */
function wildcardTarget(exports: Record<string, string>, subpath: string): string | undefined {
  for (const [key, target] of Object.entries(exports)) {
    const [prefix, suffix] = key.split("*");
    if (suffix === undefined || !subpath.startsWith(prefix ?? "") || !subpath.endsWith(suffix)) continue;
    return target.replace("*", subpath.slice(prefix?.length ?? 0, subpath.length - suffix.length));
  }
  return undefined;
}

/** The file a specifier names, or undefined for a third-party module. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (specifier.startsWith(".")) {
    const base = join(dirname(from), specifier);
    return [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")].find((f) => existsSync(join(root, f)));
  }
  const match = /^(@dotmac\/[^/]+)(\/.*)?$/.exec(specifier);
  const workspace = match?.[1] ? workspaces.get(match[1]) : undefined;
  if (!workspace) return undefined;
  const subpath = `.${match?.[2] ?? ""}`;
  const target = workspace.exports[subpath] ?? wildcardTarget(workspace.exports, subpath);
  if (!target) throw new Error(`${from}: ${specifier} is not exported by ${match?.[1]}`);
  return join(workspace.dir, target);
}

const imports = new Map<string, string[]>();
const packagesUsed = new Map<string, string[]>();
for (const file of sources) {
  const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, false);
  packagesUsed.set(
    file,
    info.importedFiles.map((i) => i.fileName).filter((s) => !s.startsWith(".") && !s.startsWith("node:")),
  );
  imports.set(
    file,
    info.importedFiles.flatMap((i) => resolveImport(file, i.fileName) ?? []).filter((f) => f !== file),
  );
}

/** The top folder a file lives in: an app, a package, `components` or `stacks`. */
function unit(file: string): string {
  const [top, name] = file.split("/");
  return top === "apps" || top === "packages" ? `${top}/${name}` : (top ?? file);
}

describe("the house rules", () => {
  it("imports run only downward: nothing imports an app, apps never import each other", () => {
    const wrong: string[] = [];
    for (const [file, targets] of imports) {
      for (const target of targets) {
        const [from, to] = [unit(file), unit(target)];
        if (from !== to && to.startsWith("apps/")) wrong.push(`${file} → ${target}`);
        if (from.startsWith("packages/") && (to === "components" || to === "stacks"))
          wrong.push(`${file} → ${target}`);
        if (from === "components" && to === "stacks") wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a workspace declares every package it imports, its own workspaces included", () => {
    const undeclared: string[] = [];
    for (const [file, specifiers] of packagesUsed) {
      const owner = [...workspaces.entries()].find(([, w]) => file.startsWith(`${w.dir}/`));
      if (!owner) continue;
      for (const specifier of specifiers) {
        const name = specifier
          .split("/")
          .slice(0, specifier.startsWith("@") ? 2 : 1)
          .join("/");
        if (name === owner[0] || builtinModules.includes(name) || everywhere.has(name)) continue;
        if (!owner[1].declares.has(name)) undeclared.push(`${file}: ${name}`);
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it("no import cycles, type-only imports included", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      path.push(file);
      for (const next of imports.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next].join(" → "));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, "done");
    };
    for (const file of sources) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("a file over 300 lines says why at its top (`// Long file: …`)", () => {
    const unexplained = sources.filter((file) => {
      const lines = readFileSync(join(root, file), "utf8").replace(/\n$/, "").split("\n");
      return lines.length > 300 && !lines.slice(0, 5).some((l) => /^\/\/ Long file: \S.{20,}/.test(l));
    });
    expect(unexplained).toEqual([]);
  });

  it("follows workspace imports to files (the check sees across packages)", () => {
    const tenantStamp = "components/tenant/tenant-stamp.ts";
    expect(imports.get("stacks/tenant.ts")?.some((f) => f.startsWith("components/"))).toBe(true);
    expect(sources).toContain(tenantStamp);
  });
});
