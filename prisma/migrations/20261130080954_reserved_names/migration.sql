-- CreateEnum
CREATE TYPE "ReservedNameKind" AS ENUM ('LABEL', 'SUFFIX');

-- CreateTable
CREATE TABLE "ReservedName" (
    "id" TEXT NOT NULL,
    "kind" "ReservedNameKind" NOT NULL,
    "value" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReservedName_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReservedName_kind_value_key" ON "ReservedName"("kind", "value");

