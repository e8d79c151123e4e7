import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { RowAction } from "@/components/forms/row-action";
import { FormCard } from "@/components/forms/form-card";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { FilterBar, FilterSelect } from "@/components/admin/filter-bar";
import { AccountLink } from "@/components/admin/entity-links";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { ADDRESSES_PAGE_SIZE, getIpPool, listPoolAddresses } from "@/lib/domain/ipam/list-ip-pools";
import { readForPage } from "@/lib/http/page-read";
import { formatDate } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { addressFilter, ADDRESS_FILTERS } from "@/lib/schemas/ipam";
import { addIpRangeAction, holdAddressAction, releaseHoldAction, retireIpPoolAction, retireIpRangeAction } from "../actions";

export const metadata: Metadata = { title: "IP pool" };

export default async function IpPoolPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ page?: string; show?: string; created?: string; retired?: string; kept?: string }>;
}) {
  const { actor } = await requireAdminPage();
  const sp = await searchParams;
  const page = pageSchema.parse(sp.page);
  const show = addressFilter.parse(sp.show || undefined);
  const pool = await readForPage((await params).id, (poolId) => getIpPool({ actor, poolId }));
  const { rows, hasMore } = await listPoolAddresses({ actor, poolId: pool.id, filter: show, page });
  const v6 = pool.kind === "IPV6";
  const live = !pool.retiredAt;
  return (
    <>
      <PageHeader
        title={pool.name}
        description={
          <span>
            {pool.kind === "PUBLIC" ? "Public IPv4" : v6 ? "IPv6" : "Private netblock"} ·{" "}
            {pool.host ? (
              <Link className="text-brand-700 hover:underline" href={`/admin/hosts/${pool.host.id}`}>
                bound to host {pool.host.name}
              </Link>
            ) : (
              <span>
                shared by group {pool.group?.name} ({pool.group?.hosts.map((h) => h.name).join(", ") || "no hosts yet"})
              </span>
            )}{" "}
            · {v6 ? `${pool.usage.assigned} assigned` : `${pool.usage.assigned} of ${pool.usage.total} used`}
            {pool.usage.held ? `, ${pool.usage.held} held` : ""}
          </span>
        }
        actions={live ? <Badge tone="green">live</Badge> : <Badge tone="gray">retired {formatDate(pool.retiredAt)}</Badge>}
      />
      {sp.created === "1" && (
        <Alert tone="success" className="mb-4">
          Pool added.
        </Alert>
      )}
      {(sp.retired === "range" || sp.retired === "pool") && /^\d{1,9}$/.test(sp.kept ?? "") && (
        <Alert tone="success" className="mb-4">
          {sp.retired === "range" ? "Range" : "Pool"} retired. {sp.kept} address(es) stay with their jails until they let them go.
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Ranges" />
          <CardBody className="space-y-4">
            <Table head={["Block", "Addresses", "Status", ""]}>
              {pool.ranges.map((r) => (
                <tr key={r.id} data-testid={`range-${r.cidr}`}>
                  <Td className="font-mono text-sm">{r.cidr}</Td>
                  <Td className="text-xs tabular-nums">
                    {v6 ? `${r.usage.assigned} assigned` : `${r.usage.assigned} of ${r.usage.total} used`}
                    {r.usage.held ? ` · ${r.usage.held} held` : ""}
                  </Td>
                  <Td>{r.retiredAt ? <Badge tone="gray">retired</Badge> : <Badge tone="green">live</Badge>}</Td>
                  <Td>
                    {!r.retiredAt && pool.kind !== "PRIVATE" && (
                      <ConfirmAction
                        action={retireIpRangeAction}
                        fields={{ rangeId: r.id }}
                        label="Retire"
                        name={`Retire ${r.cidr}`}
                        confirmLabel={`Retire ${r.cidr}`}
                        question={`No new jail gets an address of ${r.cidr}. The ${r.usage.assigned} jail(s) holding one keep it until they are destroyed.`}
                      />
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
            {live && pool.kind !== "PRIVATE" && (
              <ActionForm
                action={addIpRangeAction}
                aria-label="Add range"
                resetOnSuccess
                className="flex flex-wrap items-end gap-2 space-y-0"
              >
                <input type="hidden" name="poolId" value={pool.id} />
                <div className="min-w-64 flex-1">
                  <TextField name="cidr" label="Add a range" hint={v6 ? "e.g. 2001:db8:2::/64" : "e.g. 203.0.113.16/28"} />
                </div>
                <SubmitButton variant="secondary" pendingLabel="Adding…">
                  Add range
                </SubmitButton>
              </ActionForm>
            )}
            {pool.kind === "PRIVATE" && (
              <p className="text-xs text-zinc-500">A host&apos;s private netblock is fixed when the host is added.</p>
            )}
          </CardBody>
        </Card>
        <div className="space-y-6">
          <FormCard
            title="Hold an address back"
            description="A held address (blocklisted, reserved) is never handed out."
            action={holdAddressAction}
            aria-label="Hold an address"
            resetOnSuccess
          >
            <input type="hidden" name="poolId" value={pool.id} />
            <TextField name="address" label="Address" />
            <TextField name="reason" label="Reason" hint="e.g. listed by Spamhaus until 1 March" />
            <SubmitButton variant="secondary" pendingLabel="Holding…">
              Hold back
            </SubmitButton>
          </FormCard>
          {live && pool.kind !== "PRIVATE" && (
            <Card>
              <CardHeader title="Retire the pool" />
              <CardBody>
                <ConfirmAction
                  action={retireIpPoolAction}
                  fields={{ poolId: pool.id }}
                  label="Retire pool"
                  confirmLabel="Retire pool"
                  question={`No new jail gets an address of ${pool.name}. The ${pool.usage.assigned} jail(s) holding one keep it until they are destroyed.`}
                />
              </CardBody>
            </Card>
          )}
        </div>
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold">Addresses{v6 ? " in use or held" : ""}</h2>
      <FilterBar clearHref={`/admin/ip-pools/${pool.id}`} active={show !== "all"}>
        <FilterSelect
          name="show"
          label="Show"
          value={show === "all" ? undefined : show}
          anyLabel="All"
          options={ADDRESS_FILTERS.filter((f) => f !== "all").map((f) => ({ value: f, label: f }))}
        />
      </FilterBar>
      {rows.length === 0 ? (
        <EmptyState
          title="No addresses"
          description={v6 ? "IPv6 addresses appear here as jails are given them or they are held." : "Nothing matches this filter."}
        />
      ) : (
        <Table head={["Address", "Range", "Jail", "Held", ""]}>
          {rows.map((a) => (
            <tr key={a.id} data-testid={`address-${a.address}`}>
              <Td className="font-mono text-sm">{a.address}</Td>
              <Td className="font-mono text-xs text-zinc-500">{a.range.cidr}</Td>
              <Td>
                {a.jail ? (
                  <span>
                    <Link href={`/admin/jails/${a.jail.id}`} className="text-brand-700 hover:underline">
                      {a.jail.hostname}
                    </Link>
                    <span className="block text-xs text-zinc-500">
                      <AccountLink account={a.jail.account} /> · on {a.jail.host.name}
                    </span>
                  </span>
                ) : (
                  <span className="text-zinc-400">free</span>
                )}
              </Td>
              <Td className="text-xs">{a.heldAt ? <span className="text-amber-800">{a.heldReason}</span> : ""}</Td>
              <Td>
                {a.heldAt && (
                  <RowAction
                    action={releaseHoldAction}
                    fields={{ addressId: a.id }}
                    label="Release hold"
                    pendingLabel="Releasing…"
                    variant="secondary"
                    className="space-y-1"
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination
        page={page}
        pageSize={ADDRESSES_PAGE_SIZE}
        hasMore={hasMore}
        basePath={`/admin/ip-pools/${pool.id}`}
        params={{ show: show === "all" ? undefined : show }}
      />
    </>
  );
}
