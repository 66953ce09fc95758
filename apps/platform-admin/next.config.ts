import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@dotmac/contracts", "@dotmac/ui"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
