// Where a jail's backups go and the secrets to reach them, as a BACKUP or RESTORE payload
// carries them. Everything secret is generated here, by the control plane, sealed in the
// database, and travels only in the job's payload (removed when the job ends).
import type { Tx } from "@/lib/db";
import { backupBaseUrl, ensureJailBackupUser, legacyHostBackupUser, type BackupCredential } from "@/lib/backups/backup-users";
import { AppError } from "@/lib/errors";
import { generateSecret, openSecret, sealSecret } from "@/lib/backups/sealed-secret";

/** A BACKUP / RESTORE payload's target fields (lib/schemas/jobs.ts backupTarget). */
export type JailBackupTarget = {
  name: string;
  repository: string;
  username: string;
  secrets: { httpPassword: string; repositoryPassword: string };
};

/**
 * The jail's repository (`<BACKUP_URL><jail's user>/<jail id>/`) with the jail's own backup
 * credential and the repository's password, each made on first use in `tx` (the jail row must be
 * locked by the caller). The same wherever the jail runs: a migration's target restores from it.
 * A repository made under its host's user before jails had their own keeps that user.
 * @returns the target and `newUser` (rewrite the htpasswd file after commit).
 * @throws AppError PRECONDITION when backups are not configured (BACKUP_URL unset) or a legacy
 *   repository's host user is gone.
 */
export async function jailBackupTarget(
  tx: Tx,
  { jailId }: { jailId: string },
): Promise<{ target: JailBackupTarget; newUser: boolean; repositoryPath: string }> {
  const base = backupBaseUrl();
  const jail = await tx.jail.findUniqueOrThrow({
    where: { id: jailId },
    select: { id: true, name: true, backupRepoPath: true, backupRepoPasswordSealed: true, backupUser: true },
  });
  let repoPath = jail.backupRepoPath;
  let user: BackupCredential & { created?: boolean };
  let repoPassword: string;
  if (repoPath && jail.backupRepoPasswordSealed) {
    repoPassword = openSecret(jail.backupRepoPasswordSealed);
    const owner = repoPath.split("/")[0]!;
    const legacy = owner !== jail.backupUser ? await legacyHostBackupUser(tx, owner) : null;
    if (owner !== jail.backupUser && !legacy) throw new AppError("PRECONDITION", "This jail's backup repository has no user any more.");
    user = legacy ?? (await ensureJailBackupUser(tx, jail.id));
  } else {
    user = await ensureJailBackupUser(tx, jail.id);
    repoPath = `${user.username}/${jail.id}`;
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
      username: user.username,
      secrets: { httpPassword: user.password, repositoryPassword: repoPassword },
    },
    newUser: Boolean(user.created),
    repositoryPath: repoPath,
  };
}
