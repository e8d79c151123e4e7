import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { Alert } from "@/components/ui/alert";
import { requireCustomerPage } from "@/lib/auth/session";
import { customerNav } from "@/components/layout/navs";
import { OverageBanner } from "@/components/billing/overage-banner";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireCustomerPage();
  const banner =
    user.accountStatus === "SUSPENDED" ? (
      <div className="px-4 pt-4 sm:px-6">
        <Alert tone="error" title="Your account is suspended.">
          You can see your jails and invoices, but they cannot be started until the account is settled. Contact billing to restore service.
        </Alert>
      </div>
    ) : (
      <OverageBanner actor={user.actor} />
    );
  return (
    <AppShell area="Customer" nav={customerNav} user={user} home="/dashboard" banner={banner}>
      {children}
    </AppShell>
  );
}
