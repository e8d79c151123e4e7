import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { ActionForm } from "@/components/forms/action-form";
import { SelectField, TextField } from "@/components/forms/fields";
import { FilterBar, FilterSelect } from "@/components/admin/filter-bar";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listIpPools, listPoolBindings, POOLS_PAGE_SIZE } from "@/lib/domain/ipam/list-ip-pools";
import { createHostGroupAction, createIpPoolAction } from "./actions";
import { readListParams } from "../list-params";

export const metadata: Metadata = { title: "IP pools" };

const KIND_LABEL = { PUBLIC: "public IPv4", PRIVATE: "private netblock", IPV6: "IPv6" } as const;
const poolFilter = z.object({ kind: z.enum(["PUBLIC", "PRIVATE", "IPV6"]).optional().catch(undefined) });

export default async function IpPoolsPage({ searchParams }: { searchParams: Promise<{ page?: string; kind?: string }> }) {
  const { actor } = await requireAdminPage();
  const { page, filter } = await readListParams(searchParams, poolFilter);
  const { kind } = filter;
  const [{ rows, total }, bindings] = await Promise.all([listIpPools({ actor, page, kind }), listPoolBindings({ actor })]);
  const bindingOptions = [
    ...bindings.hosts.map((h) => ({ value: `host:${h.id}`, label: `host ${h.name}` })),
    ...bindings.groups.map((g) => ({
      value: `group:${g.id}`,
      label: `group ${g.name} (${g._count.hosts} host${g._count.hosts === 1 ? "" : "s"}, shared)`,
    })),
  ];
  return (
    <>
      <PageHeader
        title="IP pools"
        description="Addresses jails are given. A pool is bound to one host or shared by a host group (a routed block, so a jail that moves keeps its address). Overlaps anywhere in the fleet are refused."
      />
      <FilterBar clearHref="/admin/ip-pools" active={Boolean(kind)}>
        <FilterSelect
          name="kind"
          label="Kind"
          value={kind}
          anyLabel="Every kind"
          options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
        />
      </FilterBar>
      {rows.length === 0 ? (
        <EmptyState
          title="No pools"
          description={kind ? "No pool of that kind." : "Add a host, or a pool below: jails need a public address to be ordered."}
        />
      ) : (
        <Table head={["Pool", "Kind", "Used by", "Ranges", "Addresses", "Status"]}>
          {rows.map((p) => (
            <tr key={p.id} data-testid={`pool-row-${p.name}`}>
              <Td>
                <Link href={`/admin/ip-pools/${p.id}`} className="font-medium text-brand-700 hover:underline">
                  {p.name}
                </Link>
              </Td>
              <Td className="text-xs">{KIND_LABEL[p.kind]}</Td>
              <Td className="text-sm">
                {p.host ? (
                  <Link href={`/admin/hosts/${p.host.id}`} className="hover:underline">
                    host {p.host.name}
                  </Link>
                ) : (
                  <span>group {p.group?.name}</span>
                )}
              </Td>
              <Td className="font-mono text-xs">{p.ranges.map((r) => r.cidr).join(", ") || "—"}</Td>
              <Td className="text-xs tabular-nums">
                {p.kind === "IPV6" ? `${p.usage.assigned} assigned` : `${p.usage.assigned} of ${p.usage.total} used`}
                {p.usage.held ? ` · ${p.usage.held} held` : ""}
              </Td>
              <Td>{p.retiredAt ? <Badge tone="gray">retired</Badge> : <Badge tone="green">live</Badge>}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={POOLS_PAGE_SIZE} total={total} basePath="/admin/ip-pools" params={{ kind }} />

      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="New pool" description="Public IPv4 (every address a row) or IPv6 (addresses made as jails need them)." />
          <CardBody>
            {bindingOptions.length === 0 ? (
              <p className="text-sm text-zinc-500">Add a host or a host group first: a pool is bound to one of them.</p>
            ) : (
              <ActionForm action={createIpPoolAction} aria-label="New pool">
                <TextField name="name" label="Name" hint="e.g. nyc routed /27" />
                <SelectField
                  name="kind"
                  label="Kind"
                  options={[
                    { value: "PUBLIC", label: "Public IPv4" },
                    { value: "IPV6", label: "IPv6" },
                  ]}
                />
                <SelectField name="binding" label="Used by" options={bindingOptions} />
                <TextField name="cidr" label="First range" hint="203.0.113.0/28 (a /16 to /30), or 2001:db8:1::/64 (a /48 to /64)." />
                <SubmitButton pendingLabel="Adding…">Add pool</SubmitButton>
              </ActionForm>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Host groups" description="Hosts that share pools. Put a host in a group from its Edit page." />
          <CardBody className="space-y-4">
            {bindings.groups.length === 0 ? (
              <p className="text-sm text-zinc-500">No groups yet.</p>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm" data-testid="host-groups">
                {bindings.groups.map((g) => (
                  <li key={g.id} className="flex justify-between py-2">
                    <span>{g.name}</span>
                    <span className="text-zinc-500">
                      {g._count.hosts} host{g._count.hosts === 1 ? "" : "s"}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <ActionForm action={createHostGroupAction} aria-label="New host group" resetOnSuccess>
              <TextField name="name" label="Group name" id="group-name" hint="e.g. nyc-1" />
              <SubmitButton variant="secondary" pendingLabel="Adding…">
                Add group
              </SubmitButton>
            </ActionForm>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
