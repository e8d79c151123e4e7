import type { Metadata } from "next";
import { PlanForm } from "@/components/admin/plan-form";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/session";
import { createPlanAction } from "../actions";

export const metadata: Metadata = { title: "New plan" };

export default async function NewPlanPage() {
  await requireAdminPage();
  return (
    <>
      <PageHeader title="New plan" description="On sale as soon as it is created. Its price is recorded from the current billing period." />
      <Card>
        <CardBody>
          <PlanForm action={createPlanAction} />
        </CardBody>
      </Card>
    </>
  );
}
