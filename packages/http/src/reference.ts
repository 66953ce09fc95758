/// <reference path="./vendor.d.ts" />
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Env, Hono } from "hono";
// The package's own answer to where it is: a bundler that inlines require.resolve (Next's does)
// leaves this alone when the package is external (isp-ops's next.config.ts says so).
import swaggerDir from "swagger-ui-dist/absolute-path.js";

/**
 * An API reference page at `at` (Swagger UI, served from the swagger-ui-dist package, so it
 * works with no network) for the OpenAPI document at `specUrl`.
 */
export function mountReference<E extends Env>(
  app: Hono<E>,
  at: string,
  specUrl: string,
  title: string,
): void {
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="${at}/swagger-ui.css"></head>
<body><div id="ui"></div><script src="${at}/swagger-ui-bundle.js"></script>
<script src="${at}/init.js"></script></body></html>`;
  app.get(at, (c) => c.html(page));
  app.get(`${at}/init.js`, (c) =>
    c.body(`SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#ui" });`, 200, {
      "content-type": "text/javascript",
    }),
  );
  const dir = swaggerDir();
  for (const [file, type] of [
    ["swagger-ui.css", "text/css"],
    ["swagger-ui-bundle.js", "text/javascript"],
  ] as const) {
    // Not traced: Next's tracer, unable to work the path out, would copy the whole app (sources,
    // tests, next.config.ts) into the standalone output. The isp-ops image copies these files.
    const body = readFileSync(join(/*turbopackIgnore: true*/ dir, file));
    app.get(`${at}/${file}`, (c) =>
      c.body(body, 200, { "content-type": type, "cache-control": "public, max-age=86400" }),
    );
  }
}
