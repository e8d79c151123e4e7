// The one rule about staff that must never slip: there is always an admin who can log in.
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The password hash of a login that has none yet (an invitation not accepted): verifies nothing. */
export const NO_PASSWORD_YET = "!invited";

/**
 * Locks every enabled admin row and refuses when `userId` is the last of them, so two admins
 * disabling (or demoting) each other at once cannot leave none.
 * @throws AppError PRECONDITION naming the rule.
 */
export async function assertNotLastAdmin(tx: Tx, userId: string, doing: string): Promise<void> {
  const admins = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "User" WHERE "role" = 'ADMIN' AND "disabledAt" IS NULL AND "passwordHash" <> ${NO_PASSWORD_YET} ORDER BY "id" FOR UPDATE`;
  if (admins.some((a) => a.id === userId) && admins.length <= 1)
    throw new AppError(
      "PRECONDITION",
      `This is the last admin who can log in: ${doing} would leave Cellblock with none. Invite another admin first.`,
    );
}
