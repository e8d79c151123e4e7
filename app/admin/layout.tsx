import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { adminNav } from "@/components/layout/navs";
import { requireAdminPage } from "@/lib/auth/session";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireAdminPage();
  return (
    <AppShell area="Admin" nav={adminNav} user={user} home="/admin">
      {children}
    </AppShell>
  );
}
