import { Table, Td } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

export type AuditTableRow = {
  id: string;
  createdAt: Date;
  actor: { email: string } | null;
  actorRole: string;
  ip: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  data: unknown;
};

/**
 * Renders audit entries in the order given: when, who, action, target and details. `compact` (an
 * account's own trail) leaves out the target and the address, and writes who on one line.
 */
export function AuditTable({ rows, compact = false }: { rows: AuditTableRow[]; compact?: boolean }) {
  return (
    <Table head={["When", "Who", "Action", !compact && "Target", "Details"]}>
      {rows.map((r) => {
        const who = r.actor?.email ?? r.actorRole.toLowerCase();
        const role = r.actorRole.toLowerCase();
        return (
          <tr key={r.id}>
            <Td className="whitespace-nowrap text-xs text-zinc-500">{formatDateTime(r.createdAt)}</Td>
            {compact ? (
              <Td className="text-xs">
                {who} <span className="text-zinc-500">({role})</span>
              </Td>
            ) : (
              <Td>
                {who}
                <span className="block text-xs text-zinc-500">
                  {role}
                  {r.ip ? ` · ${r.ip}` : ""}
                </span>
              </Td>
            )}
            <Td className="font-mono text-xs">{r.action}</Td>
            {!compact && (
              <Td className="text-xs">
                {r.targetType}
                {r.targetId && <span className="block font-mono text-zinc-500">{r.targetId}</span>}
              </Td>
            )}
            <Td className="max-w-xs truncate font-mono text-xs text-zinc-500">{r.data ? JSON.stringify(r.data) : ""}</Td>
          </tr>
        );
      })}
    </Table>
  );
}
