// The backups of one jail of the caller's account, newest first, for the jail page.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { explainJobFailure } from "@/lib/domain/jobs/explain-job-failure";

/** How many backups the page lists (the plan keeps at most a few dozen). */
const PAGE = 50;

export type JailBackupView = {
  id: string;
  trigger: "MANUAL" | "SCHEDULED" | "MIGRATION";
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  /** When it was asked for, and when it finished (UTC). */
  createdAt: Date;
  finishedAt: Date | null;
  /** Bytes of the jail's files in the snapshot; null until it succeeded. */
  sizeBytes: number | null;
  /** What went wrong, in words for the customer. */
  failure: string | null;
};

/**
 * The jail's backups that are kept (not removed by retention), newest first, at most 50.
 * @throws AppError NOT_FOUND when the jail is not one of the actor's account's.
 */
export async function listJailBackups({ actor, jailId }: { actor: CustomerActor; jailId: string }): Promise<JailBackupView[]> {
  assertScope(actor, jailId);
  const jail = await db.jail.findFirst({ where: { id: jailId, accountId: actor.accountId }, select: { id: true } });
  if (!jail) throw notFound("That jail");
  const rows = await db.backup.findMany({
    where: { jailId: jail.id, jail: { accountId: actor.accountId }, forgottenAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE,
    select: { id: true, trigger: true, status: true, createdAt: true, finishedAt: true, sizeBytes: true, error: true },
  });
  return rows.map((b) => ({
    id: b.id,
    trigger: b.trigger,
    status: b.status,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
    sizeBytes: b.sizeBytes === null ? null : Number(b.sizeBytes),
    failure: b.status === "FAILED" ? explainJobFailure({ type: "BACKUP", error: b.error ?? "" }) : null,
  }));
}
