import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import next from "next";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * `dotmac-admin serve`: the platform admin app (built with `next build`, or in development mode
 * with NODE_ENV=development) on HOST:PORT, in front of the automation API at AUTOMATION_API_URL.
 */
async function serve(): Promise<void> {
  const host = process.env.HOST ?? "0.0.0.0";
  const port = Number(process.env.PORT ?? 3001);
  const app = next({ dev: process.env.NODE_ENV === "development", dir: appDir, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  process.stdout.write(
    `platform admin on http://${host}:${port} (automation API: ${process.env.AUTOMATION_API_URL})\n`,
  );
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[2] !== "serve") {
  process.stdout.write("dotmac-admin serve   (AUTOMATION_API_URL, HOST, PORT; see README)\n");
  process.exit(process.argv[2] ? 2 : 0);
}
serve().catch((error: unknown) => {
  process.stderr.write(`dotmac-admin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
