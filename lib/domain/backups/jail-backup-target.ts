// Where a jail's backups go and the secrets to reach them, as a BACKUP or RESTORE payload
// carries them. Everything secret is generated here, by the control plane, sealed in the
// database, and travels only in the job's payload (removed when the job ends).
import type { Tx } from "@/lib/db";
import { backupBaseUrl, ensureHostBackupUser } from "@/lib/backups/backup-users";
import { generateSecret, openSecret, sealSecret } from "@/lib/backups/sealed-secret";

/** A BACKUP / RESTORE payload's target fields (lib/schemas/jobs.ts backupTarget). */
export type JailBackupTarget = {
  name: string;
  repository: string;
  username: string;
  secrets: { httpPassword: string; repositoryPassword: string };
};

/**
 * The jail's repository on its host's path (`<BACKUP_URL><host user>/<jail id>/`) with the
 * host's credential and the repository's password, each made on first use in `tx` (the jail row
 * must be locked by the caller).
 * @returns the target and `newHostUser` (rewrite the htpasswd file after commit).
 * @throws AppError PRECONDITION when backups are not configured (BACKUP_URL unset).
 */
export async function jailBackupTarget(
  tx: Tx,
  { jailId, hostId }: { jailId: string; hostId: string },
): Promise<{ target: JailBackupTarget; newHostUser: boolean; repositoryPath: string }> {
  const base = backupBaseUrl();
  const host = await ensureHostBackupUser(tx, hostId);
  const jail = await tx.jail.findUniqueOrThrow({
    where: { id: jailId },
    select: { id: true, name: true, backupRepoPath: true, backupRepoPasswordSealed: true },
  });
  let repoPath = jail.backupRepoPath;
  let repoPassword: string;
  if (repoPath && jail.backupRepoPasswordSealed) repoPassword = openSecret(jail.backupRepoPasswordSealed);
  else {
    repoPath = `${host.username}/${jail.id}`;
    repoPassword = generateSecret();
    await tx.jail.update({
      where: { id: jail.id },
      data: { backupRepoPath: repoPath, backupRepoPasswordSealed: sealSecret(repoPassword) },
    });
  }
  return {
    target: {
      name: jail.name,
      repository: `${base}${repoPath}/`,
      username: host.username,
      secrets: { httpPassword: host.password, repositoryPassword: repoPassword },
    },
    newHostUser: host.created,
    repositoryPath: repoPath,
  };
}
