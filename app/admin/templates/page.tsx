import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listAdminTemplates, TEMPLATES_PAGE_SIZE } from "@/lib/domain/templates/list-admin-templates";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { actor } = await requireAdminPage();
  const page = pageSchema.parse((await searchParams).page);
  const { rows, total } = await listAdminTemplates({ actor, page });
  return (
    <>
      <PageHeader
        title="Templates"
        description="What a jail's root is made from, per driver, and where each host stands with it."
        actions={<LinkButton href="/admin/templates/new">New template</LinkButton>}
      />
      {rows.length === 0 ? (
        <EmptyState
          title="No templates yet"
          description="Customers can order nothing until there is a template to make the jail from."
          action={<LinkButton href="/admin/templates/new">New template</LinkButton>}
        />
      ) : (
        <Table head={["Template", "Version", "FreeBSD", "lxc", "Hosts (current version)", "Jails", "Status"]}>
          {rows.map((t) => (
            <tr key={t.id} data-testid={`template-row-${t.slug}`}>
              <Td>
                <Link href={`/admin/templates/${t.id}`} className="font-medium text-brand-700 hover:underline">
                  {t.name}
                </Link>
                <span className="block font-mono text-xs text-zinc-500">{t.slug}</span>
              </Td>
              <Td>v{t.version}</Td>
              <Td className="max-w-[14rem] truncate font-mono text-xs">
                {t.zfsSnapshot ?? t.tarballPath ?? <span className="text-red-600">none</span>}
              </Td>
              <Td className="font-mono text-xs">{t.lxcRootfs ? "mmdebstrap" : `lxc-create -t ${t.lxcTemplate}`}</Td>
              <Td className="text-xs">
                {t.builds.ready} ready{t.builds.building ? ` · ${t.builds.building} building` : ""}
                {t.builds.failed ? <span className="text-red-600"> · {t.builds.failed} failed</span> : ""}
              </Td>
              <Td>{t.jails}</Td>
              <Td>{t.active ? <Badge tone="green">offered</Badge> : <Badge tone="gray">retired</Badge>}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={TEMPLATES_PAGE_SIZE} total={total} basePath="/admin/templates" />
    </>
  );
}
