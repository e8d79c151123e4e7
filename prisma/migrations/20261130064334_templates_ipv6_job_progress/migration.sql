-- CreateEnum
CREATE TYPE "TemplateBuildStatus" AS ENUM ('QUEUED', 'BUILDING', 'READY', 'FAILED');

-- AlterEnum
ALTER TYPE "IpKind" ADD VALUE 'IPV6';

-- AlterEnum
ALTER TYPE "JobType" ADD VALUE 'BUILD_TEMPLATE';

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "lxcRootfs" JSONB,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "ipv6Prefix" TEXT;

-- AlterTable
ALTER TABLE "Jail" ADD COLUMN     "rootPasswordSetAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "dependsOnId" TEXT,
ADD COLUMN     "progressAt" TIMESTAMP(3),
ADD COLUMN     "progressMessage" TEXT,
ADD COLUMN     "progressPercent" INTEGER;

-- CreateTable
CREATE TABLE "TemplateBuild" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "TemplateBuildStatus" NOT NULL DEFAULT 'QUEUED',
    "jobId" TEXT,
    "sizeBytes" BIGINT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "readyAt" TIMESTAMP(3),

    CONSTRAINT "TemplateBuild_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TemplateBuild_jobId_key" ON "TemplateBuild"("jobId");

-- CreateIndex
CREATE INDEX "TemplateBuild_templateId_status_idx" ON "TemplateBuild"("templateId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateBuild_hostId_templateId_version_key" ON "TemplateBuild"("hostId", "templateId", "version");

-- CreateIndex
CREATE INDEX "Job_dependsOnId_idx" ON "Job"("dependsOnId");

-- AddForeignKey
ALTER TABLE "TemplateBuild" ADD CONSTRAINT "TemplateBuild_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateBuild" ADD CONSTRAINT "TemplateBuild_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateBuild" ADD CONSTRAINT "TemplateBuild_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_dependsOnId_fkey" FOREIGN KEY ("dependsOnId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

