import type { Metadata } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Cellblock", template: "%s · Cellblock" },
  description: "Your own FreeBSD jail: root, your hostname, your addresses.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: each response carries its own CSP nonce (proxy.ts),
  // which a prerendered page could not.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
