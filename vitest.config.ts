import { defineConfig } from "vitest/config";

/**
 * Tests that hold something of the host only one of them can have at a time: the real node (its
 * bridge address, the API server's fixed port, iptables, containerd), the container store, and the
 * local processes `npm start` looks for when it checks that it left none behind.
 */
const hostWide = [
  "packages/devkit/test/real-node.test.ts",
  "packages/devkit/test/dotmac-dev-cli.test.ts",
  "packages/devkit/test/npm-start.test.ts",
  "packages/devkit/test/images*.test.ts",
  "stacks/real-node-*.test.ts",
  "apps/*/test/real-node.test.ts",
  "apps/*/test/image.test.ts",
  "apps/radius/test/local-runner.test.ts",
  "apps/isp-ops/test/local-tenants.test.ts",
];

const all = [
  "packages/*/src/**/*.test.ts",
  "packages/*/test/**/*.test.ts",
  "apps/*/src/**/*.test.ts",
  "apps/*/test/**/*.test.ts",
  "components/**/*.test.ts",
  "stacks/**/*.test.ts",
];

const lane = {
  // Integration tests start real servers (Postgres, etcd, kube-apiserver, the Pulumi engine), so
  // each lane runs one file at a time; `dotmac-dev test` runs the two lanes side by side.
  fileParallelism: false,
  // Generous, since the other lane shares the cores: a timeout only ever decides a failure.
  testTimeout: 240_000,
  hookTimeout: 300_000,
  // Password hashes at scrypt's 2^14, not OWASP's 2^17 (packages/crypto/src/passwords.ts):
  // the suite signs in hundreds of times; the production cost has its own test.
  env: { DOTMAC_SCRYPT_N: "16384" },
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...lane, name: "host", include: hostWide } },
      // Everything else binds only free ports on 127.0.0.1 and keeps its files in temp dirs.
      { test: { ...lane, name: "isolated", include: all, exclude: ["**/node_modules/**", ...hostWide] } },
    ],
  },
});
