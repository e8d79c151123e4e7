import { db, type Tx } from "@/lib/db";

/**
 * Invalidates every session cookie the user holds (see lib/auth/options.ts) by bumping their
 * sessionVersion. @returns the new sessionVersion, for re-issuing the acting browser's cookie.
 */
export async function endAllSessions(userId: string, tx: Tx | typeof db = db): Promise<number> {
  const { sessionVersion } = await tx.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return sessionVersion;
}
