import type { NextConfig } from "next";

const config: NextConfig = {
  // The image ships .next/standalone: the server and only the node_modules files it loads.
  output: "standalone",
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@dotmac/contracts", "@dotmac/ui"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
