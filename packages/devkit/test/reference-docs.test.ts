import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as appEnv from "@dotmac/contracts/app-env";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/env.ts";

const schemas = {
  RadiusEnv: "RADIUS (`apps/radius`)",
  IspOpsProcessEnv: "isp-ops, the process (`apps/isp-ops`)",
  IspOpsTenantEnv: "isp-ops, one tenant (the stamp's ConfigMap and Secrets)",
  PlatformAdminEnv: "platform-admin (`apps/platform-admin`)",
  AutomationApiEnv: "the automation API (`apps/automation-api`)",
} as const;

/** Each variable's doc comment in app-env.ts, by schema, as the reader of the source sees it. */
function docComments(): Map<string, Map<string, string>> {
  const file = join(repoRoot, "packages/contracts/src/app-env.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found = new Map<string, Map<string, string>>();
  const docOf = (node: ts.Node) =>
    ts
      .getJSDocCommentsAndTags(node)
      .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
  // A variable without a comment of its own says what its helper says (`port(1812)`, `flag`).
  const helpers = new Map<string, string>();
  ts.forEachChild(source, (node) => {
    if (ts.isVariableStatement(node))
      for (const decl of node.declarationList.declarations)
        helpers.set(decl.name.getText(source), docOf(node));
  });
  const helperOf = (init: ts.Expression | undefined): string => {
    let head: ts.Expression | undefined = init;
    while (head && (ts.isCallExpression(head) || ts.isPropertyAccessExpression(head))) head = head.expression;
    return head && ts.isIdentifier(head) ? (helpers.get(head.text) ?? "") : "";
  };
  ts.forEachChild(source, (node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const decl of node.declarationList.declarations) {
      const name = decl.name.getText(source);
      const object = decl.initializer && findObject(decl.initializer);
      if (!(name in schemas) || !object) continue;
      const comments = new Map<string, string>();
      for (const prop of object.properties) {
        const init = ts.isPropertyAssignment(prop) ? prop.initializer : undefined;
        comments.set(prop.name?.getText(source) ?? "", docOf(prop) || helperOf(init));
      }
      found.set(name, comments);
    }
  });
  return found;
}

/** The object literal a schema is made of: z.object({ … }), or the last .extend({ … }). */
function findObject(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (ts.isCallExpression(node)) {
    const arg = node.arguments[0];
    if (arg && ts.isObjectLiteralExpression(arg)) return arg;
    return findObject(node.expression);
  }
  if (ts.isPropertyAccessExpression(node)) return findObject(node.expression);
  return undefined;
}

function environmentReference(): string {
  const comments = docComments();
  const sections = Object.entries(schemas).map(([name, title]) => {
    const schema = appEnv[name as keyof typeof schemas];
    const rows = Object.entries(schema.shape).map(([variable, field]) => {
      const absent = (field as { safeParse: (v: unknown) => { success: boolean; data?: unknown } }).safeParse(
        undefined,
      );
      const value = absent.success
        ? absent.data === undefined
          ? "optional"
          : `default \`${JSON.stringify(absent.data)}\``
        : "**required**";
      const what = (comments.get(name)?.get(variable) ?? "").replaceAll("|", "\\|");
      return `| \`${variable}\` | ${value} | ${what} |`;
    });
    return [`## ${title}`, "", "| variable | when absent | what it is |", "| --- | --- | --- |", ...rows, ""];
  });
  return [
    "# Environment variables",
    "",
    "Generated from the env schemas in `packages/contracts/src/app-env.ts` (each app parses its",
    "environment with these at start) by `packages/devkit/test/reference-docs.test.ts`; run that",
    "test with `--update` after changing a schema.",
    "",
    ...sections.flat(),
  ].join("\n");
}

describe("the environment reference", () => {
  it("is docs/reference/environment.md, as the env schemas say (run with --update to update)", async () => {
    const doc = environmentReference();
    expect(doc).toMatch(/\| `RADIUS_MAX_IN_FLIGHT` \| default `512` \| Requests worked on at once/);
    expect(doc).toContain("| `DATABASE_URL` | **required** |");
    await expect(doc).toMatchFileSnapshot("../../../docs/reference/environment.md");
  });
});
