import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * An app's image holds Next's standalone output, which has no next.config.ts (nor the compiler
 * to read one): the server then takes the config the build wrote, as Next's own server.js does.
 * In a checkout (next.config.ts present) it does nothing.
 */
export function adoptStandaloneNextConfig(appDir: string): void {
  const file = join(appDir, ".next", "required-server-files.json");
  if (existsSync(join(appDir, "next.config.ts")) || !existsSync(file)) return;
  const { config } = JSON.parse(readFileSync(file, "utf8")) as { config: unknown };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}
