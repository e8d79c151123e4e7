import type { Metadata } from "next";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/session";
import { NewHostForm } from "./new-host-form";

export const metadata: Metadata = { title: "Add a host" };

export default async function NewHostPage() {
  await requireAdminPage();
  return (
    <>
      <PageHeader
        title="Add a jailing host"
        description="The host appears as pending until its agent enrols with the one-time token shown next."
      />
      <Card>
        <CardBody>
          <NewHostForm />
        </CardBody>
      </Card>
    </>
  );
}
