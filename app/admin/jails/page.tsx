import type { Metadata } from "next";
import Link from "next/link";
import { FilterBar, FilterSelect } from "@/components/admin/filter-bar";
import { AccountLink, HostLink, JailLink } from "@/components/admin/entity-links";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listFleetJails } from "@/lib/domain/admin/list-fleet-jails";
import { formatDate } from "@/lib/format";
import { fleetJailFilter, JAIL_STATES } from "@/lib/schemas/admin";
import { readKeysetListParams } from "../list-params";

export const metadata: Metadata = { title: "Jails" };

export default async function FleetJailsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { actor } = await requireAdminPage();
  const { cursor, filter } = await readKeysetListParams(searchParams, fleetJailFilter);
  const { rows, newer, older, paged, options } = await listFleetJails({ actor, filter, cursor });
  const active = Boolean(filter.hostId || filter.planId || filter.accountId || filter.state);
  return (
    <>
      <PageHeader title="Jails" description="Every jail in the fleet. Destroyed jails show only when you filter by that state." />
      <FilterBar clearHref="/admin/jails" active={active}>
        <FilterSelect
          name="hostId"
          label="Host"
          value={filter.hostId}
          anyLabel="Any host"
          options={options.hosts.map((h) => ({ value: h.id, label: h.name }))}
        />
        <FilterSelect
          name="state"
          label="State"
          value={filter.state}
          anyLabel="Any live state"
          options={JAIL_STATES.map((s) => ({ value: s, label: s.toLowerCase() }))}
        />
        <FilterSelect
          name="planId"
          label="Plan"
          value={filter.planId}
          anyLabel="Any plan"
          options={options.plans.map((p) => ({ value: p.id, label: p.name }))}
        />
        {filter.accountId && (
          <>
            <input type="hidden" name="accountId" value={filter.accountId} />
            <span className="text-sm text-zinc-600">
              account{" "}
              <Link href={`/admin/customers/${filter.accountId}`} className="text-brand-700 hover:underline">
                {options.account?.name ?? "unknown"}
              </Link>
            </span>
          </>
        )}
      </FilterBar>
      {rows.length === 0 ? (
        <EmptyState title="No jails" description={active ? "Nothing matches these filters." : "No customer has ordered a jail yet."} />
      ) : (
        <Table head={["Hostname", "State", "Account", "Host", "Plan", "Public address", "Ordered"]}>
          {rows.map((j) => (
            <tr key={j.id} data-testid="fleet-jail">
              <Td>
                <JailLink jail={j} />
                <span className="block font-mono text-xs text-zinc-500">{j.name}</span>
              </Td>
              <Td>
                <JailStateBadge state={j.state} />
              </Td>
              <Td>
                <AccountLink account={j.account} />
              </Td>
              <Td>
                <HostLink host={j.host} />
              </Td>
              <Td>{j.plan.name}</Td>
              <Td className="font-mono text-xs">{j.publicIp ?? "—"}</Td>
              <Td className="text-xs text-zinc-500">{formatDate(j.createdAt)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPagination newer={newer} older={older} paged={paged} basePath="/admin/jails" params={filter} />
    </>
  );
}
