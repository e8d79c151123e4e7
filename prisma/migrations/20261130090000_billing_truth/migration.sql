-- CreateEnum
CREATE TYPE "TaxTreatment" AS ENUM ('NONE', 'STANDARD', 'REVERSE_CHARGE');

-- CreateEnum
CREATE TYPE "VoidDisposition" AS ENUM ('REBILL', 'FINAL');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "InvoiceLineKind" ADD VALUE 'TAX';
ALTER TYPE "InvoiceLineKind" ADD VALUE 'CREDIT_BROUGHT';
ALTER TYPE "InvoiceLineKind" ADD VALUE 'CREDIT_CARRIED';

-- DropIndex
DROP INDEX "Invoice_accountId_periodStart_key";

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "vatNumber" TEXT;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "billTo" JSONB,
ADD COLUMN     "taxCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "taxName" TEXT,
ADD COLUMN     "taxRateBp" INTEGER,
ADD COLUMN     "taxTreatment" "TaxTreatment" NOT NULL DEFAULT 'NONE',
ADD COLUMN     "voidDisposition" "VoidDisposition",
ADD COLUMN     "voidReason" TEXT,
ALTER COLUMN "number" DROP NOT NULL;

-- AlterTable
ALTER TABLE "AccountAdjustment" ADD COLUMN     "carriedFromInvoiceId" TEXT;

-- CreateTable
CREATE TABLE "UsageRollupState" (
    "id" TEXT NOT NULL,
    "rolledUpTo" TIMESTAMP(3) NOT NULL,
    "prunedBefore" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageRollupState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaxRate" (
    "id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rateBp" INTEGER NOT NULL,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaxRate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceSequence" (
    "issuer" TEXT NOT NULL,
    "lastNumber" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvoiceSequence_pkey" PRIMARY KEY ("issuer")
);

-- CreateIndex
CREATE UNIQUE INDEX "TaxRate_country_key" ON "TaxRate"("country");

-- CreateIndex
CREATE INDEX "UsageSample_receivedAt_idx" ON "UsageSample"("receivedAt");

-- CreateIndex
CREATE INDEX "Invoice_accountId_periodStart_idx" ON "Invoice"("accountId", "periodStart");

-- AddForeignKey
ALTER TABLE "AccountAdjustment" ADD CONSTRAINT "AccountAdjustment_carriedFromInvoiceId_fkey" FOREIGN KEY ("carriedFromInvoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- One live invoice per account and month: a void invoice no longer holds the month, so one
-- voided to be re-billed makes room for its replacement.
CREATE UNIQUE INDEX "Invoice_account_period_live_key" ON "Invoice"("accountId", "periodStart") WHERE "status" <> 'VOID';

-- Numbers come from the issuer's gapless sequence when an invoice is issued: drafts have none.
UPDATE "Invoice" SET "number" = NULL WHERE "status" = 'DRAFT';
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_issued_has_number" CHECK ("status" IN ('DRAFT', 'VOID') OR "number" IS NOT NULL);
