-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('CUSTOMER', 'ADMIN', 'BILLING');

-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'CLOSED');

-- CreateEnum
CREATE TYPE "HostDriver" AS ENUM ('FREEBSD', 'LXC');

-- CreateEnum
CREATE TYPE "HostStatus" AS ENUM ('PENDING', 'ACTIVE', 'DRAINING', 'DISABLED');

-- CreateEnum
CREATE TYPE "DriftKind" AS ENUM ('MISSING', 'UNEXPECTED', 'STATE');

-- CreateEnum
CREATE TYPE "IpKind" AS ENUM ('PUBLIC', 'PRIVATE');

-- CreateEnum
CREATE TYPE "JailDesiredState" AS ENUM ('RUNNING', 'STOPPED', 'DESTROYED');

-- CreateEnum
CREATE TYPE "JailState" AS ENUM ('QUEUED', 'PROVISIONING', 'RUNNING', 'STOPPED', 'FAILED', 'DESTROYING', 'DESTROYED');

-- CreateEnum
CREATE TYPE "JobType" AS ENUM ('CREATE', 'START', 'STOP', 'RESTART', 'REINSTALL', 'DESTROY', 'SET_LIMITS', 'SET_PASSWORD', 'SET_SSH_KEYS', 'SNAPSHOT', 'MIGRATE_OUT', 'MIGRATE_IN');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RollupPeriod" AS ENUM ('HOUR', 'DAY');

-- CreateEnum
CREATE TYPE "OverageKind" AS ENUM ('DISK', 'BANDWIDTH');

-- CreateEnum
CREATE TYPE "OverageStatus" AS ENUM ('GRACE', 'RESOLVED', 'REVIEW', 'APPROVED', 'ADJUSTED', 'WAIVED');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'ISSUED', 'PAID', 'VOID');

-- CreateEnum
CREATE TYPE "InvoiceLineKind" AS ENUM ('PLAN_FEE', 'OVERAGE', 'CREDIT', 'ADJUSTMENT');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CARD', 'BANK_TRANSFER', 'CHECK', 'CASH', 'OTHER');

-- CreateEnum
CREATE TYPE "MailStatus" AS ENUM ('STORED', 'QUEUED', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'CUSTOMER',
    "accountId" TEXT,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "billingEmail" TEXT NOT NULL,
    "addressLine1" TEXT NOT NULL,
    "addressLine2" TEXT,
    "city" TEXT NOT NULL,
    "postalCode" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "status" "AccountStatus" NOT NULL DEFAULT 'ACTIVE',
    "suspendedAt" TIMESTAMP(3),
    "suspensionReason" TEXT,
    "flaggedForSuspensionAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PasswordResetToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordResetToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priceCents" INTEGER NOT NULL,
    "diskQuotaMb" INTEGER NOT NULL,
    "memoryLimitMb" INTEGER NOT NULL,
    "maxProcesses" INTEGER NOT NULL,
    "cpuPercent" INTEGER NOT NULL,
    "bandwidthGb" INTEGER NOT NULL,
    "overagePricePerGbCents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "zfsSnapshot" TEXT,
    "tarballPath" TEXT,
    "lxcTemplate" TEXT NOT NULL DEFAULT 'busybox',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "fqdn" TEXT NOT NULL,
    "driver" "HostDriver" NOT NULL,
    "status" "HostStatus" NOT NULL DEFAULT 'PENDING',
    "capacityJails" INTEGER NOT NULL,
    "capacityDiskMb" INTEGER NOT NULL,
    "capacityMemoryMb" INTEGER NOT NULL,
    "publicPoolCidr" TEXT,
    "privateNetblock" TEXT NOT NULL,
    "agentTokenHash" TEXT,
    "enrollTokenHash" TEXT,
    "enrollTokenExpiresAt" TIMESTAMP(3),
    "enrolledAt" TIMESTAMP(3),
    "lastHeartbeatAt" TIMESTAMP(3),
    "agentVersion" TEXT,
    "loadAverage" DOUBLE PRECISION,
    "facts" JSONB,
    "unavailableReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HostDrift" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "jailName" TEXT NOT NULL,
    "jailId" TEXT,
    "kind" "DriftKind" NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "HostDrift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpAddress" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "kind" "IpKind" NOT NULL,
    "address" TEXT NOT NULL,
    "sortKey" BIGINT NOT NULL,
    "jailId" TEXT,
    "assignedAt" TIMESTAMP(3),

    CONSTRAINT "IpAddress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Jail" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "desiredState" "JailDesiredState" NOT NULL DEFAULT 'RUNNING',
    "state" "JailState" NOT NULL DEFAULT 'QUEUED',
    "jid" INTEGER,
    "sshHostKeyFingerprint" TEXT,
    "lastError" TEXT,
    "orderKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "destroyedAt" TIMESTAMP(3),

    CONSTRAINT "Jail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SshKey" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "bits" INTEGER NOT NULL,
    "publicKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SshKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "jailId" TEXT,
    "type" "JobType" NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leasedBy" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,
    "steps" JSONB,
    "result" JSONB,
    "error" TEXT,
    "output" TEXT,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageSample" (
    "jailId" TEXT NOT NULL,
    "sampledAt" TIMESTAMP(3) NOT NULL,
    "hostId" TEXT NOT NULL,
    "diskBytes" BIGINT NOT NULL,
    "memoryBytes" BIGINT NOT NULL,
    "cpuPercent" DOUBLE PRECISION NOT NULL,
    "processes" INTEGER NOT NULL,
    "netRxBytes" BIGINT NOT NULL,
    "netTxBytes" BIGINT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageSample_pkey" PRIMARY KEY ("jailId","sampledAt")
);

-- CreateTable
CREATE TABLE "UsageRollup" (
    "jailId" TEXT NOT NULL,
    "period" "RollupPeriod" NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "diskMaxBytes" BIGINT NOT NULL,
    "diskAvgBytes" BIGINT NOT NULL,
    "memoryMaxBytes" BIGINT NOT NULL,
    "memoryAvgBytes" BIGINT NOT NULL,
    "cpuMaxPercent" DOUBLE PRECISION NOT NULL,
    "cpuAvgPercent" DOUBLE PRECISION NOT NULL,
    "processesMax" INTEGER NOT NULL,
    "netRxBytes" BIGINT NOT NULL,
    "netTxBytes" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("jailId","period","bucketStart")
);

-- CreateTable
CREATE TABLE "HogEvent" (
    "id" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "command" TEXT NOT NULL,
    "cpuPercent" DOUBLE PRECISION NOT NULL,
    "action" TEXT NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HogEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OverageCase" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "OverageKind" NOT NULL,
    "status" "OverageStatus" NOT NULL DEFAULT 'GRACE',
    "limitMb" INTEGER NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "graceEndsAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "reviewAt" TIMESTAMP(3),
    "excessTenthsGb" INTEGER,
    "amountCents" INTEGER,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OverageCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageWarning" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "OverageKind" NOT NULL,
    "percent" INTEGER NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageWarning_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'DRAFT',
    "totalCents" INTEGER NOT NULL DEFAULT 0,
    "paidCents" INTEGER NOT NULL DEFAULT 0,
    "issuedAt" TIMESTAMP(3),
    "dueAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "voidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceLine" (
    "id" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "kind" "InvoiceLineKind" NOT NULL,
    "description" TEXT NOT NULL,
    "quantity" DECIMAL(12,4) NOT NULL DEFAULT 1,
    "unitCents" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "jailId" TEXT,
    "overageCaseId" TEXT,
    "sourceKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvoiceLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountAdjustment" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "invoiceId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountAdjustment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "recordedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "accountId" TEXT,
    "data" JSONB,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailMessage" (
    "id" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "kind" TEXT NOT NULL,
    "status" "MailStatus" NOT NULL,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "MailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_accountId_idx" ON "User"("accountId");

-- CreateIndex
CREATE INDEX "User_role_createdAt_idx" ON "User"("role", "createdAt");

-- CreateIndex
CREATE INDEX "Account_status_createdAt_idx" ON "Account"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Account_createdAt_idx" ON "Account"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PasswordResetToken_tokenHash_key" ON "PasswordResetToken"("tokenHash");

-- CreateIndex
CREATE INDEX "PasswordResetToken_userId_idx" ON "PasswordResetToken"("userId");

-- CreateIndex
CREATE INDEX "LoginAttempt_key_createdAt_idx" ON "LoginAttempt"("key", "createdAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_createdAt_idx" ON "LoginAttempt"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Plan_slug_key" ON "Plan"("slug");

-- CreateIndex
CREATE INDEX "Plan_active_sortOrder_idx" ON "Plan"("active", "sortOrder");

-- CreateIndex
CREATE UNIQUE INDEX "Template_slug_key" ON "Template"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Host_fqdn_key" ON "Host"("fqdn");

-- CreateIndex
CREATE UNIQUE INDEX "Host_agentTokenHash_key" ON "Host"("agentTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Host_enrollTokenHash_key" ON "Host"("enrollTokenHash");

-- CreateIndex
CREATE INDEX "Host_status_lastHeartbeatAt_idx" ON "Host"("status", "lastHeartbeatAt");

-- CreateIndex
CREATE INDEX "HostDrift_hostId_resolvedAt_idx" ON "HostDrift"("hostId", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "HostDrift_hostId_jailName_kind_key" ON "HostDrift"("hostId", "jailName", "kind");

-- CreateIndex
CREATE INDEX "IpAddress_hostId_kind_jailId_sortKey_idx" ON "IpAddress"("hostId", "kind", "jailId", "sortKey");

-- CreateIndex
CREATE UNIQUE INDEX "IpAddress_hostId_kind_address_key" ON "IpAddress"("hostId", "kind", "address");

-- CreateIndex
CREATE UNIQUE INDEX "IpAddress_jailId_kind_key" ON "IpAddress"("jailId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Jail_name_key" ON "Jail"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Jail_orderKey_key" ON "Jail"("orderKey");

-- CreateIndex
CREATE INDEX "Jail_accountId_createdAt_idx" ON "Jail"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "Jail_hostId_state_idx" ON "Jail"("hostId", "state");

-- CreateIndex
CREATE INDEX "Jail_state_createdAt_idx" ON "Jail"("state", "createdAt");

-- CreateIndex
CREATE INDEX "SshKey_accountId_idx" ON "SshKey"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SshKey_jailId_fingerprint_key" ON "SshKey"("jailId", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "Job_idempotencyKey_key" ON "Job"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Job_hostId_status_runAfter_idx" ON "Job"("hostId", "status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_jailId_createdAt_idx" ON "Job"("jailId", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_leaseExpiresAt_idx" ON "Job"("status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Job_type_createdAt_idx" ON "Job"("type", "createdAt");

-- CreateIndex
CREATE INDEX "UsageSample_sampledAt_idx" ON "UsageSample"("sampledAt");

-- CreateIndex
CREATE INDEX "UsageRollup_period_bucketStart_idx" ON "UsageRollup"("period", "bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "HogEvent_eventKey_key" ON "HogEvent"("eventKey");

-- CreateIndex
CREATE INDEX "HogEvent_jailId_detectedAt_idx" ON "HogEvent"("jailId", "detectedAt");

-- CreateIndex
CREATE INDEX "HogEvent_hostId_detectedAt_idx" ON "HogEvent"("hostId", "detectedAt");

-- CreateIndex
CREATE INDEX "OverageCase_status_graceEndsAt_idx" ON "OverageCase"("status", "graceEndsAt");

-- CreateIndex
CREATE INDEX "OverageCase_accountId_status_idx" ON "OverageCase"("accountId", "status");

-- CreateIndex
CREATE INDEX "OverageCase_jailId_kind_status_idx" ON "OverageCase"("jailId", "kind", "status");

-- CreateIndex
CREATE UNIQUE INDEX "UsageWarning_jailId_kind_percent_periodStart_key" ON "UsageWarning"("jailId", "kind", "percent", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");

-- CreateIndex
CREATE INDEX "Invoice_status_dueAt_idx" ON "Invoice"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Invoice_periodStart_status_idx" ON "Invoice"("periodStart", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_accountId_periodStart_key" ON "Invoice"("accountId", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceLine_overageCaseId_key" ON "InvoiceLine"("overageCaseId");

-- CreateIndex
CREATE INDEX "InvoiceLine_jailId_idx" ON "InvoiceLine"("jailId");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceLine_invoiceId_sourceKey_key" ON "InvoiceLine"("invoiceId", "sourceKey");

-- CreateIndex
CREATE INDEX "AccountAdjustment_accountId_invoiceId_idx" ON "AccountAdjustment"("accountId", "invoiceId");

-- CreateIndex
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");

-- CreateIndex
CREATE INDEX "Payment_accountId_receivedAt_idx" ON "Payment"("accountId", "receivedAt");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_targetType_targetId_idx" ON "AuditLog"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditLog_actorId_createdAt_idx" ON "AuditLog"("actorId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_accountId_createdAt_idx" ON "AuditLog"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "MailMessage_createdAt_idx" ON "MailMessage"("createdAt");

-- CreateIndex
CREATE INDEX "MailMessage_to_createdAt_idx" ON "MailMessage"("to", "createdAt");

-- CreateIndex
CREATE INDEX "MailMessage_status_createdAt_idx" ON "MailMessage"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PasswordResetToken" ADD CONSTRAINT "PasswordResetToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostDrift" ADD CONSTRAINT "HostDrift_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpAddress" ADD CONSTRAINT "IpAddress_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpAddress" ADD CONSTRAINT "IpAddress_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Jail" ADD CONSTRAINT "Jail_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Jail" ADD CONSTRAINT "Jail_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Jail" ADD CONSTRAINT "Jail_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Jail" ADD CONSTRAINT "Jail_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SshKey" ADD CONSTRAINT "SshKey_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SshKey" ADD CONSTRAINT "SshKey_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageSample" ADD CONSTRAINT "UsageSample_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRollup" ADD CONSTRAINT "UsageRollup_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HogEvent" ADD CONSTRAINT "HogEvent_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HogEvent" ADD CONSTRAINT "HogEvent_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OverageCase" ADD CONSTRAINT "OverageCase_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OverageCase" ADD CONSTRAINT "OverageCase_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageWarning" ADD CONSTRAINT "UsageWarning_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageWarning" ADD CONSTRAINT "UsageWarning_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_overageCaseId_fkey" FOREIGN KEY ("overageCaseId") REFERENCES "OverageCase"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountAdjustment" ADD CONSTRAINT "AccountAdjustment_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountAdjustment" ADD CONSTRAINT "AccountAdjustment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ─── Constraints Prisma's schema language cannot express (named in schema.prisma) ───

-- A hostname belongs to at most one live jail: a destroyed jail's name can be ordered again.
CREATE UNIQUE INDEX "Jail_hostname_live_key" ON "Jail" (lower("hostname")) WHERE "destroyedAt" IS NULL;

-- Private netblocks may repeat across hosts (each host NATs its own), public addresses may not.
CREATE UNIQUE INDEX "IpAddress_public_address_key" ON "IpAddress" ("address") WHERE "kind" = 'PUBLIC';

-- Money and limits are never negative where a negative makes no sense.
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_nonnegative_check" CHECK (
  "priceCents" >= 0 AND "diskQuotaMb" > 0 AND "memoryLimitMb" > 0 AND "maxProcesses" > 0
  AND "cpuPercent" > 0 AND "bandwidthGb" >= 0 AND "overagePricePerGbCents" >= 0);
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_positive_check" CHECK ("amountCents" > 0);
ALTER TABLE "Job" ADD CONSTRAINT "Job_attempts_check" CHECK ("attempts" >= 0 AND "maxAttempts" >= 1);

-- Wake long-polling agents: a job that becomes QUEUED notifies its host's channel payload.
-- NOTIFY is delivered at commit, so an agent never sees a job before its transaction lands.
-- The migration runner splits scripts at every semicolon, even inside dollar quotes, so the
-- PL/pgSQL body is an E'' string that spells its semicolons as the octal escape \073.
CREATE FUNCTION "cellblock_notify_job_queued"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF NEW."status" = ''QUEUED'' AND (TG_OP = ''INSERT'' OR OLD."status" IS DISTINCT FROM ''QUEUED'') THEN
    PERFORM pg_notify(''cellblock_jobs'', NEW."hostId")\073
  END IF\073
  RETURN NEW\073
END\073
';

CREATE TRIGGER "Job_notify_queued"
  AFTER INSERT OR UPDATE OF "status" ON "Job"
  FOR EACH ROW EXECUTE FUNCTION "cellblock_notify_job_queued"();
