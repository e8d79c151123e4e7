import type { ReactNode } from "react";
import { PublicHeader } from "@/components/layout/public-header";
import { getCurrentUser, homeFor } from "@/lib/auth/session";

export default async function PublicLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <div className="flex min-h-screen flex-col">
      <PublicHeader signedInHome={user ? homeFor(user.role) : undefined} />
      <main className="flex-1">{children}</main>
      <footer className="border-t border-zinc-200 bg-white py-6 text-center text-xs text-zinc-500">
        Cellblock — FreeBSD jails with root, by the month.
      </footer>
    </div>
  );
}
