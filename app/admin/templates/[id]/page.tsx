import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { TemplateForm } from "@/components/admin/template-form";
import { RowAction } from "@/components/forms/row-action";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getAdminTemplate, TEMPLATE_HOSTS_PAGE_SIZE, type HostTemplateStatus } from "@/lib/domain/templates/list-admin-templates";
import { readForPage } from "@/lib/http/page-read";
import { formatBytes, formatDateTime } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { lxcRootfs } from "@/lib/schemas/jobs";
import { buildTemplateAction, reinstateTemplateAction, retireTemplateAction, updateTemplateAction } from "../actions";

export const metadata: Metadata = { title: "Template" };

function StatusCell({ s }: { s: HostTemplateStatus }) {
  switch (s.kind) {
    case "ready":
      return (
        <span>
          <Badge tone="green">built</Badge>
          <span className="ml-2 text-xs text-zinc-500">
            {s.sizeBytes !== null ? formatBytes(s.sizeBytes) : ""} {formatDateTime(s.readyAt)}
          </span>
        </span>
      );
    case "queued":
    case "building":
      return (
        <span>
          <Badge tone="blue">{s.kind}</Badge>
          {s.percent !== null && <span className="ml-2 text-xs">{s.percent}%</span>}
          {s.message && <span className="ml-2 text-xs text-zinc-500">{s.message}</span>}
          {s.jobId && (
            <Link href={`/admin/jobs/${s.jobId}`} className="ml-2 text-xs text-brand-700 hover:underline">
              job
            </Link>
          )}
        </span>
      );
    case "failed":
      return (
        <span>
          <Badge tone="red">failed</Badge>
          <span className="ml-2 text-xs text-red-700">{s.error}</span>
          {s.jobId && (
            <Link href={`/admin/jobs/${s.jobId}`} className="ml-2 text-xs text-brand-700 hover:underline">
              job
            </Link>
          )}
        </span>
      );
    case "not-built":
      return <Badge tone="gray">not built yet</Badge>;
    case "no-build-needed":
      return <span className="text-xs text-zinc-600">no build needed — {s.reason}</span>;
    case "no-source":
      return <span className="text-xs text-red-700">{s.reason}</span>;
  }
}

export default async function TemplatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string; page?: string }>;
}) {
  const { actor } = await requireAdminPage();
  const sp = await searchParams;
  const hostsPage = pageSchema.parse(sp.page);
  const {
    template: t,
    jails,
    hosts,
    hostsTotal,
  } = await readForPage((await params).id, (templateId) => getAdminTemplate({ actor, templateId, hostsPage }));
  const recipe = t.lxcRootfs ? lxcRootfs.safeParse(t.lxcRootfs) : null;
  const mm = recipe?.success && recipe.data.kind === "mmdebstrap" ? recipe.data : null;
  return (
    <>
      <PageHeader
        title={t.name}
        description={
          <span>
            <span className="font-mono">{t.slug}</span> · version {t.version} · {jails} live jail{jails === 1 ? "" : "s"}
          </span>
        }
        actions={t.active ? <Badge tone="green">offered</Badge> : <Badge tone="gray">retired</Badge>}
      />
      {sp.created === "1" && (
        <Alert tone="success" className="mb-4">
          Template created and offered.
        </Alert>
      )}
      <h2 className="mb-3 text-lg font-semibold">Hosts</h2>
      {hosts.length === 0 ? (
        <p className="mb-6 text-sm text-zinc-500">No hosts in the fleet yet.</p>
      ) : (
        <Table className="mb-2" head={["Host", "Driver", `Version ${t.version}`, ""]}>
          {hosts.map(({ host, status }) => (
            <tr key={host.id} data-testid={`template-host-${host.name}`}>
              <Td>
                <Link href={`/admin/hosts/${host.id}`} className="text-brand-700 hover:underline">
                  {host.name}
                </Link>
              </Td>
              <Td className="text-xs">{host.driver.toLowerCase()}</Td>
              <Td>
                <StatusCell s={status} />
              </Td>
              <Td>
                {(status.kind === "not-built" || status.kind === "failed") && (
                  <RowAction
                    action={buildTemplateAction}
                    fields={{ templateId: t.id, hostId: host.id }}
                    label={status.kind === "failed" ? "Build again" : "Build now"}
                    pendingLabel="Queueing…"
                    variant="secondary"
                    className="space-y-1"
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={hostsPage} pageSize={TEMPLATE_HOSTS_PAGE_SIZE} total={hostsTotal} basePath={`/admin/templates/${t.id}`} />
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Edit" />
          <CardBody>
            <TemplateForm
              action={updateTemplateAction}
              templateId={t.id}
              initial={{
                name: t.name,
                description: t.description,
                sortOrder: t.sortOrder,
                zfsSnapshot: t.zfsSnapshot ?? "",
                tarballPath: t.tarballPath ?? "",
                lxcMode: mm ? "mmdebstrap" : "lxc-template",
                lxcTemplate: t.lxcTemplate,
                suite: mm?.suite ?? "",
                variant: mm?.variant ?? "minbase",
                packages: mm?.packages.join(" ") ?? "",
              }}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={t.active ? "Retire" : "Offer again"} />
          <CardBody>
            {t.active ? (
              <ConfirmAction
                action={retireTemplateAction}
                fields={{ templateId: t.id }}
                label="Retire template"
                confirmLabel="Retire"
                question={`Customers can no longer order jails from ${t.name}. The ${jails} jail(s) made from it keep it and can still be reinstalled from it.`}
              />
            ) : (
              <ConfirmAction
                action={reinstateTemplateAction}
                fields={{ templateId: t.id }}
                label="Offer again"
                confirmLabel="Offer"
                variant="primary"
                question={`Customers can order jails from ${t.name} again.`}
              />
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
