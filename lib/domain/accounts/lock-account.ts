// The lock order for everything that depends on an account's status: the account row first,
// then its jails. A customer's change to a jail takes the account FOR SHARE (many may run at
// once); a suspension or unsuspension takes it FOR UPDATE, so the two never interleave — a Start
// cannot read "ACTIVE", let a suspension commit, and then queue a START for a suspended account.
import type { Tx } from "@/lib/db";
import type { AccountStatus } from "@/lib/generated/prisma/enums";

/**
 * Locks the account row in `tx` (FOR SHARE to read its status for a change that depends on it,
 * FOR UPDATE to change the status) and returns its current status, or null when there is none.
 */
export async function lockAccount(
  tx: Tx,
  { accountId, mode }: { accountId: string; mode: "share" | "update" },
): Promise<AccountStatus | null> {
  if (!accountId) throw new Error("lockAccount: accountId is required");
  const rows =
    mode === "update"
      ? await tx.$queryRaw<Array<{ status: AccountStatus }>>`SELECT "status" FROM "Account" WHERE "id" = ${accountId} FOR UPDATE`
      : await tx.$queryRaw<Array<{ status: AccountStatus }>>`SELECT "status" FROM "Account" WHERE "id" = ${accountId} FOR SHARE`;
  return rows[0]?.status ?? null;
}
