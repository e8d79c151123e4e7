-- CreateEnum
CREATE TYPE "MigrationKind" AS ENUM ('MOVE', 'EVACUATE');

-- CreateEnum
CREATE TYPE "MigrationStatus" AS ENUM ('COPYING', 'RESTORING', 'DONE', 'FAILED');

-- AlterEnum
ALTER TYPE "HostStatus" ADD VALUE 'DEAD';
ALTER TYPE "HostStatus" ADD VALUE 'STANDBY';

-- AlterEnum
ALTER TYPE "BackupTrigger" ADD VALUE 'MIGRATION';

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "declaredDeadAt" TIMESTAMP(3),
ADD COLUMN     "declaredDeadById" TEXT;

-- AlterTable
ALTER TABLE "Jail" ADD COLUMN     "backupPasswordSealed" TEXT,
ADD COLUMN     "backupUser" TEXT;

-- CreateTable
CREATE TABLE "Migration" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "kind" "MigrationKind" NOT NULL,
    "status" "MigrationStatus" NOT NULL,
    "sourceHostId" TEXT NOT NULL,
    "targetHostId" TEXT NOT NULL,
    "backupId" TEXT,
    "stoppedAt" TIMESTAMP(3),
    "downtimeMs" INTEGER,
    "outJobId" TEXT,
    "inJobId" TEXT,
    "error" TEXT,
    "sourceWipedAt" TIMESTAMP(3),
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Migration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Migration_outJobId_key" ON "Migration"("outJobId");

-- CreateIndex
CREATE UNIQUE INDEX "Migration_inJobId_key" ON "Migration"("inJobId");

-- CreateIndex
CREATE INDEX "Migration_jailId_createdAt_idx" ON "Migration"("jailId", "createdAt");

-- CreateIndex
CREATE INDEX "Migration_sourceHostId_kind_idx" ON "Migration"("sourceHostId", "kind");

-- CreateIndex
CREATE INDEX "Migration_status_idx" ON "Migration"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Jail_backupUser_key" ON "Jail"("backupUser");

-- AddForeignKey
ALTER TABLE "Migration" ADD CONSTRAINT "Migration_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

