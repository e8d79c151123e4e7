import Link from "next/link";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { Table, Td } from "@/components/ui/table";
import { formatDate } from "@/lib/format";
import type { JailState } from "@/lib/generated/prisma/enums";

export type JailsTableRow = {
  id: string;
  hostname: string;
  state: JailState;
  inProgress: string | null;
  publicIp: string | null;
  plan: string;
  attention?: boolean;
  createdAt?: Date;
};

/** The customer's jails at a glance (dashboard and /jails): status, address, plan. */
export function JailsTable({
  jails,
  rowTestId,
  showOrdered = false,
}: {
  jails: JailsTableRow[];
  rowTestId: string;
  showOrdered?: boolean;
}) {
  return (
    <Table head={["Hostname", "Status", "Public address", "Plan", showOrdered && "Ordered"]}>
      {jails.map((j) => (
        <tr key={j.id} data-testid={rowTestId}>
          <Td>
            <Link href={`/jails/${j.id}`} className="font-medium text-brand-700 hover:underline">
              {j.hostname}
            </Link>
            {j.attention && <span className="ml-2 text-xs font-medium text-red-700">needs attention</span>}
          </Td>
          <Td>
            <JailStateBadge state={j.state} />
            {j.inProgress && <span className="ml-2 text-xs text-zinc-500">{j.inProgress}…</span>}
          </Td>
          <Td className="font-mono">{j.publicIp ?? "—"}</Td>
          <Td>{j.plan}</Td>
          {showOrdered && <Td>{j.createdAt ? formatDate(j.createdAt) : "—"}</Td>}
        </tr>
      ))}
    </Table>
  );
}
