import "@dotmac/ui/ui.css";
import type { ReactNode } from "react";
import { branding } from "../server/runtime.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: `${(await branding()).name} · operations` };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const brand = await branding();
  return (
    <html lang="en" style={{ "--tenant-primary": brand.primaryColor } as React.CSSProperties}>
      <body>{children}</body>
    </html>
  );
}
