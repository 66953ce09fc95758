import "@dotmac/ui/ui.css";
import type { ReactNode } from "react";

export const metadata = { title: "DotMac Platform · admin" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
