interface Operation {
  readonly summary?: string;
  readonly "x-permissions"?: readonly string[];
}

/**
 * An API's routes as a Markdown table (method, path, permission, summary), from its OpenAPI
 * document: the docs' route lists are made from this, and a test fails when they drift.
 */
export function routeTable(title: string, doc: { paths?: object }): string {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  const rows = Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const permission =
        op["x-permissions"]?.map((p) => `\`${p}\``).join(" or ") ||
        "none: the handler checks the session or signature";
      const summary = (op.summary ?? "").replaceAll("|", "\\|");
      return `| ${method.toUpperCase()} | \`${path}\` | ${permission} | ${summary} |`;
    }),
  );
  return [
    `# ${title}`,
    "",
    "Generated from the API's OpenAPI document by its `reference-docs` test; run that test with `-u` after changing a route.",
    "",
    "| method | path | permission | what it does |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
