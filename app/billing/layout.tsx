import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { billingNav } from "@/components/layout/navs";
import { requireBillingPage } from "@/lib/auth/session";

export default async function BillingLayout({ children }: { children: ReactNode }) {
  const user = await requireBillingPage();
  return (
    <AppShell area="Billing" nav={billingNav} user={user} home="/billing">
      {children}
    </AppShell>
  );
}
