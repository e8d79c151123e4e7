import crypto from "node:crypto";
import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomerPage } from "@/lib/auth/session";
import { getOrderForm } from "@/lib/domain/jails/get-order-form";
import { OrderForm } from "./order-form";

export const metadata: Metadata = { title: "Order a jail" };

export default async function OrderPage({ searchParams }: { searchParams: Promise<{ plan?: string }> }) {
  const user = await requireCustomerPage();
  const { plan } = await searchParams;
  const form = await getOrderForm({ actor: user.actor });
  const suspended = form.accountStatus !== "ACTIVE";
  return (
    <>
      <PageHeader
        title="Order a jail"
        description="Your own FreeBSD server: root, a fixed hostname, a public address and the plan's limits enforced by the kernel."
      />
      {suspended && (
        <Alert tone="error" className="mb-6">
          Your account is suspended, so new jails cannot be ordered until it is settled.
        </Alert>
      )}
      {/* A fresh key per rendering: submitting this form twice makes one jail. */}
      <OrderForm plans={form.plans} templates={form.templates} selectedPlan={plan} orderKey={crypto.randomUUID()} disabled={suspended} />
    </>
  );
}
