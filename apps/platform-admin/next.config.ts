import type { NextConfig } from "next";

// Never framed (clickjacking), no plugins, and no <base> or form target outside this origin.
const csp = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

const config: NextConfig = {
  // The image ships .next/standalone: the server and only the node_modules files it loads.
  output: "standalone",
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@dotmac/contracts", "@dotmac/platform-api", "@dotmac/ui"],
  poweredByHeader: false,
  reactStrictMode: true,
  headers: async () => [{ source: "/:path*", headers: [{ key: "Content-Security-Policy", value: csp }] }],
};

export default config;
