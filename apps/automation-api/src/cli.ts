import { randomBytes } from "node:crypto";
import { errorMessage } from "@dotmac/contracts";
import { onStopSignal } from "@dotmac/http/drain";
import { createPlatformDb, migratePlatformDb } from "@dotmac/platform-db";
import { createAdmin } from "./bootstrap.ts";
import { createAdminEnv } from "./env.ts";
import { startApi } from "./server.ts";

const usage = `dotmac-api: the DotMac automation API

  dotmac-api serve                         run the service (settings from the environment; see README)
  dotmac-api create-admin <email>          create a platform admin; the password is read from
                                           DOTMAC_ADMIN_PASSWORD, or generated and printed once
`;

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  if (command === "serve") {
    const api = await startApi();
    onStopSignal(async () => {
      await api.stop();
      process.exit(0);
    });
    return -1;
  }
  if (command === "create-admin" && arg) {
    const { DATABASE_URL: url, DOTMAC_ADMIN_PASSWORD: given } = createAdminEnv();
    await migratePlatformDb(url);
    const { db, close } = createPlatformDb(url, { max: 1 });
    const password = given ?? randomBytes(18).toString("base64url");
    const { created } = await createAdmin(db, arg, password);
    await close();
    if (!created) {
      process.stderr.write(`a user ${arg} exists already\n`);
      return 1;
    }
    process.stdout.write(
      given ? `admin ${arg} created\n` : `admin ${arg} created; password (shown once): ${password}\n`,
    );
    return 0;
  }
  process.stdout.write(usage);
  return command ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`dotmac-api: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
