import type { Metadata } from "next";
import Link from "next/link";
import { HealthBadge } from "@/components/admin/health-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { HOSTS_PAGE_SIZE, listHosts } from "@/lib/domain/hosts/list-hosts";
import { formatAge } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage({ searchParams }: { searchParams: Promise<{ page?: string; removed?: string }> }) {
  const { actor } = await requireAdminPage();
  const sp = await searchParams;
  const page = pageSchema.parse(sp.page);
  const { rows, total } = await listHosts({ actor, page });
  return (
    <>
      <PageHeader
        title="Jailing hosts"
        description="Health comes from each agent's heartbeat; a silent host is shown as unknown, never acted on automatically."
        actions={<LinkButton href="/admin/hosts/new">Add host</LinkButton>}
      />
      {(sp.removed === "deleted" || sp.removed === "retired") && (
        <Alert tone="success" className="mb-4">
          {sp.removed === "deleted" ? "The host was deleted." : "The host left the fleet; its row is kept for its jails' history."}
        </Alert>
      )}
      {rows.length === 0 ? (
        <EmptyState
          title="No hosts yet"
          description="Add a jailing host and run the enrolment command on it."
          action={<LinkButton href="/admin/hosts/new">Add host</LinkButton>}
        />
      ) : (
        <Table head={["Host", "Status", "Health", "Heartbeat", "Driver", "Jails", "Drift"]}>
          {rows.map((h) => (
            <tr key={h.id} data-testid={`host-row-${h.name}`}>
              <Td>
                <Link href={`/admin/hosts/${h.id}`} className="font-medium text-brand-700 hover:underline">
                  {h.name}
                </Link>
                <span className="block text-xs text-zinc-500">{h.fqdn}</span>
                {h.unavailableReason && <span className="block max-w-sm text-xs text-red-600">{h.unavailableReason}</span>}
              </Td>
              <Td>
                <Badge
                  tone={
                    h.status === "ACTIVE"
                      ? "green"
                      : h.status === "PENDING"
                        ? "blue"
                        : h.status === "DRAINING" || h.status === "STANDBY"
                          ? "yellow"
                          : "red"
                  }
                >
                  {h.status.toLowerCase()}
                </Badge>
              </Td>
              <Td>
                <HealthBadge health={h.health} />
              </Td>
              <Td className="text-xs text-zinc-600">{formatAge(h.lastHeartbeatAt)}</Td>
              <Td className="text-xs">{h.driver.toLowerCase()}</Td>
              <Td>
                {h.jails} / {h.capacityJails}
              </Td>
              <Td>{h.drift ? <Badge tone="yellow">{h.drift}</Badge> : <span className="text-zinc-400">—</span>}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={HOSTS_PAGE_SIZE} total={total} basePath="/admin/hosts" />
    </>
  );
}
