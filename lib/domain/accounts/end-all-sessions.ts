import { db, type Tx } from "@/lib/db";

/** Invalidates every session cookie the user holds (see lib/auth/options.ts). */
export async function endAllSessions(userId: string, tx: Tx | typeof db = db): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
