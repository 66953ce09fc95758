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
    hookTimeout: 180_000,
  },
});
