import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppShell } from "@/components/layout/app-shell";
import { adminNav, billingNav } from "@/components/layout/navs";
import { ApiTokensCard } from "@/components/account/api-tokens-card";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage, requireBillingPage, requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API tokens" };

/**
 * Staff's own API tokens (staff scopes), inside their console's frame; the console guard applies
 * (a second factor first). Customers manage theirs on /account.
 */
export default async function ApiTokensPage() {
  const signedIn = await requireUserPage();
  if (signedIn.role === "CUSTOMER") redirect("/account#api-tokens");
  const admin = signedIn.role === "ADMIN";
  const user = admin ? await requireAdminPage() : await requireBillingPage();
  return (
    <AppShell area={admin ? "Admin" : "Billing"} nav={admin ? adminNav : billingNav} user={user} home={admin ? "/admin" : "/billing"}>
      <PageHeader
        title="API tokens"
        description="Tokens for integrations that drive Cellblock through /api/v1 as you: a billing system suspending accounts and recording payments, a monitor reading hosts and jobs."
      />
      <ApiTokensCard actor={user.actor} />
    </AppShell>
  );
}
