import type { Metadata } from "next";
import { TemplateForm } from "@/components/admin/template-form";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/session";
import { createTemplateAction } from "../actions";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage() {
  await requireAdminPage();
  return (
    <>
      <PageHeader title="New template" description="Offered to customers as soon as it is created." />
      <Card>
        <CardBody>
          <TemplateForm action={createTemplateAction} />
        </CardBody>
      </Card>
    </>
  );
}
