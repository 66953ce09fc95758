import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "components/**/*.test.ts",
      "stacks/**/*.test.ts",
    ],
    // Integration tests start real servers (Postgres, etcd, kube-apiserver, the Pulumi engine);
    // on two cores they must not all start at once.
    fileParallelism: false,
    testTimeout: 120_000,
    // Password hashes at scrypt's 2^14, not OWASP's 2^17 (packages/platform-db/src/secrets.ts):
    // the suite signs in hundreds of times; the production cost has its own test.
    env: { DOTMAC_SCRYPT_N: "16384" },
    hookTimeout: 180_000,
  },
});
