import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { errorMessage } from "@dotmac/contracts";
import { drainOnSignal } from "@dotmac/http/drain";
import { adoptStandaloneNextConfig } from "@dotmac/http/next-standalone";
import next from "next";
import { adminEnv } from "./server/env.ts";

// src/cli.ts in the repository, dist/server.mjs in the image: both one level under the app.
const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * `dotmac-admin serve`: the platform admin app (built with `next build`, or in development mode
 * with NODE_ENV=development) on HOST:PORT, in front of the automation API at AUTOMATION_API_URL.
 */
async function serve(): Promise<void> {
  const env = adminEnv();
  adoptStandaloneNextConfig(appDir);
  const app = next({ dev: env.NODE_ENV === "development", dir: appDir, hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  process.stdout.write(
    `platform admin on http://${env.HOST}:${env.PORT} (automation API: ${env.AUTOMATION_API_URL})\n`,
  );
  drainOnSignal(server, () => app.close());
}

if (process.argv[2] !== "serve") {
  process.stdout.write("dotmac-admin serve   (AUTOMATION_API_URL, HOST, PORT; see README)\n");
  process.exit(process.argv[2] ? 2 : 0);
}
serve().catch((error: unknown) => {
  process.stderr.write(`dotmac-admin: ${errorMessage(error)}\n`);
  process.exit(1);
});
