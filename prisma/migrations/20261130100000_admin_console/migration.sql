-- Admin console (issue 12): address pools bound to a host or shared by a host group, with
-- ranges and held addresses, replacing the per-host pool columns. Staff invitations and
-- disabled users, staff notes on accounts, drift repairs, mail whose secrets staff never see.

-- CreateEnum
CREATE TYPE "TokenPurpose" AS ENUM ('RESET', 'INVITE');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "PasswordResetToken" ADD COLUMN     "purpose" "TokenPurpose" NOT NULL DEFAULT 'RESET';

-- AlterTable
ALTER TABLE "HostDrift" ADD COLUMN     "hostRunning" BOOLEAN,
ADD COLUMN     "repairJobId" TEXT,
ADD COLUMN     "repairedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "MailMessage" ADD COLUMN     "deliveryHtml" TEXT,
ADD COLUMN     "deliveryText" TEXT;

-- CreateTable
CREATE TABLE "AccountNote" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HostGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HostGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpPool" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "IpKind" NOT NULL,
    "hostId" TEXT,
    "groupId" TEXT,
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IpPool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpRange" (
    "id" TEXT NOT NULL,
    "poolId" TEXT NOT NULL,
    "kind" "IpKind" NOT NULL,
    "cidr" TEXT NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IpRange_pkey" PRIMARY KEY ("id")
);

-- Backfill: every host's pools become pools bound to it, one range each, dated with the host.
INSERT INTO "IpPool" ("id", "name", "kind", "hostId", "createdAt")
SELECT 'pool_private_' || "id", "name" || ' private', 'PRIVATE'::"IpKind", "id", "createdAt" FROM "Host"
UNION ALL
SELECT 'pool_public_' || "id", "name" || ' public', 'PUBLIC'::"IpKind", "id", "createdAt" FROM "Host" WHERE "publicPoolCidr" IS NOT NULL
UNION ALL
SELECT 'pool_ipv6_' || "id", "name" || ' IPv6', 'IPV6'::"IpKind", "id", "createdAt" FROM "Host" WHERE "ipv6Prefix" IS NOT NULL;

INSERT INTO "IpRange" ("id", "poolId", "kind", "cidr", "createdAt")
SELECT 'range_private_' || "id", 'pool_private_' || "id", 'PRIVATE'::"IpKind", "privateNetblock", "createdAt" FROM "Host"
UNION ALL
SELECT 'range_public_' || "id", 'pool_public_' || "id", 'PUBLIC'::"IpKind", "publicPoolCidr", "createdAt" FROM "Host" WHERE "publicPoolCidr" IS NOT NULL
UNION ALL
SELECT 'range_ipv6_' || "id", 'pool_ipv6_' || "id", 'IPV6'::"IpKind", "ipv6Prefix", "createdAt" FROM "Host" WHERE "ipv6Prefix" IS NOT NULL;

-- A public or IPv6 range that overlaps one added before it (the "0 of 0 used" host of issue 12)
-- is retired: it hands out nothing, and the exclusion below can hold.
UPDATE "IpRange" r SET "retiredAt" = CURRENT_TIMESTAMP
WHERE r."kind" <> 'PRIVATE' AND EXISTS (
  SELECT 1 FROM "IpRange" o
  WHERE o."kind" <> 'PRIVATE' AND o."id" <> r."id" AND (o."cidr")::inet && (r."cidr")::inet
    AND (o."createdAt", o."id") < (r."createdAt", r."id"));

-- Addresses move from their host to its pool of their kind.
ALTER TABLE "IpAddress" ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "heldReason" TEXT,
ADD COLUMN     "poolId" TEXT,
ADD COLUMN     "rangeId" TEXT;

UPDATE "IpAddress" SET "poolId" = 'pool_' || lower("kind"::text) || '_' || "hostId", "rangeId" = 'range_' || lower("kind"::text) || '_' || "hostId";

ALTER TABLE "IpAddress" ALTER COLUMN "poolId" SET NOT NULL, ALTER COLUMN "rangeId" SET NOT NULL;

-- DropForeignKey
ALTER TABLE "IpAddress" DROP CONSTRAINT "IpAddress_hostId_fkey";

-- DropIndex
DROP INDEX "IpAddress_hostId_kind_jailId_sortKey_idx";

-- DropIndex
DROP INDEX "IpAddress_hostId_kind_address_key";

ALTER TABLE "IpAddress" DROP COLUMN "hostId";

-- AlterTable
ALTER TABLE "Host" DROP COLUMN "ipv6Prefix",
DROP COLUMN "publicPoolCidr",
ADD COLUMN     "groupId" TEXT,
ADD COLUMN     "removedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "AccountNote_accountId_createdAt_idx" ON "AccountNote"("accountId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "HostGroup_name_key" ON "HostGroup"("name");

-- CreateIndex
CREATE UNIQUE INDEX "IpPool_name_key" ON "IpPool"("name");

-- CreateIndex
CREATE INDEX "IpPool_hostId_kind_idx" ON "IpPool"("hostId", "kind");

-- CreateIndex
CREATE INDEX "IpPool_groupId_kind_idx" ON "IpPool"("groupId", "kind");

-- CreateIndex
CREATE INDEX "IpRange_poolId_idx" ON "IpRange"("poolId");

-- CreateIndex
CREATE INDEX "Host_groupId_idx" ON "Host"("groupId");

-- CreateIndex
CREATE INDEX "IpAddress_poolId_kind_jailId_sortKey_idx" ON "IpAddress"("poolId", "kind", "jailId", "sortKey");

-- CreateIndex
CREATE INDEX "IpAddress_rangeId_sortKey_idx" ON "IpAddress"("rangeId", "sortKey");

-- CreateIndex
CREATE INDEX "IpAddress_address_idx" ON "IpAddress"("address");

-- CreateIndex
CREATE UNIQUE INDEX "IpAddress_rangeId_address_key" ON "IpAddress"("rangeId", "address");

-- An IPv6 address exists once in the fleet (it was once per host).
CREATE UNIQUE INDEX "IpAddress_ipv6_address_key" ON "IpAddress" ("address") WHERE "kind" = 'IPV6';

-- AddForeignKey
ALTER TABLE "AccountNote" ADD CONSTRAINT "AccountNote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountNote" ADD CONSTRAINT "AccountNote_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Host" ADD CONSTRAINT "Host_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "HostGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "HostGroup"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpRange" ADD CONSTRAINT "IpRange_poolId_fkey" FOREIGN KEY ("poolId") REFERENCES "IpPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpAddress" ADD CONSTRAINT "IpAddress_poolId_fkey" FOREIGN KEY ("poolId") REFERENCES "IpPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpAddress" ADD CONSTRAINT "IpAddress_rangeId_fkey" FOREIGN KEY ("rangeId") REFERENCES "IpRange"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A pool is bound to exactly one host or one group, and a private netblock to its host.
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_binding_check" CHECK (("hostId" IS NULL) <> ("groupId" IS NULL) AND ("kind" <> 'PRIVATE' OR "hostId" IS NOT NULL));

-- Live public and IPv6 ranges never overlap anywhere in the fleet (inet && is "contains or is
-- contained by", which for CIDR blocks is exactly overlap).
ALTER TABLE "IpRange" ADD CONSTRAINT "IpRange_no_overlap" EXCLUDE USING gist ((("cidr")::inet) inet_ops WITH &&) WHERE ("retiredAt" IS NULL AND "kind" <> 'PRIVATE');

-- The outbox never shows a working secret: links already stored lose their token.
UPDATE "MailMessage" SET "text" = regexp_replace("text", '([?&]token=)[A-Za-z0-9_-]+', '\1[redacted]', 'g'),
  "html" = regexp_replace("html", '([?&]token=)[A-Za-z0-9_-]+', '\1[redacted]', 'g')
WHERE "text" ~ 'token=' OR "html" ~ 'token=';
