-- CreateEnum
CREATE TYPE "BackupStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "BackupTrigger" AS ENUM ('MANUAL', 'SCHEDULED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "JobType" ADD VALUE 'BACKUP';
ALTER TYPE "JobType" ADD VALUE 'RESTORE';

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "backupEveryHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "backupKeep" INTEGER NOT NULL DEFAULT 7;

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "backupPasswordSealed" TEXT,
ADD COLUMN     "backupUser" TEXT;

-- AlterTable
ALTER TABLE "Jail" ADD COLUMN     "backupRepoPasswordSealed" TEXT,
ADD COLUMN     "backupRepoPath" TEXT;

-- CreateTable
CREATE TABLE "Backup" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "trigger" "BackupTrigger" NOT NULL,
    "status" "BackupStatus" NOT NULL DEFAULT 'PENDING',
    "snapshotId" TEXT,
    "sizeBytes" BIGINT,
    "addedBytes" BIGINT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "forgottenAt" TIMESTAMP(3),

    CONSTRAINT "Backup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Backup_jobId_key" ON "Backup"("jobId");

-- CreateIndex
CREATE INDEX "Backup_jailId_createdAt_idx" ON "Backup"("jailId", "createdAt");

-- CreateIndex
CREATE INDEX "Backup_hostId_status_finishedAt_idx" ON "Backup"("hostId", "status", "finishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Host_backupUser_key" ON "Host"("backupUser");

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

