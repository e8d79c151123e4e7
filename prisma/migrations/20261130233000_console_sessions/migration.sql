-- CreateEnum
CREATE TYPE "ConsoleSessionStatus" AS ENUM ('PENDING', 'CONNECTING', 'OPEN', 'ENDED');

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "ticketHash" TEXT NOT NULL,
    "ticketExpiresAt" TIMESTAMP(3) NOT NULL,
    "status" "ConsoleSessionStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "connectedAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3),
    "seenAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,

    CONSTRAINT "ConsoleSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleSession_ticketHash_key" ON "ConsoleSession"("ticketHash");

-- CreateIndex
CREATE INDEX "ConsoleSession_jailId_status_idx" ON "ConsoleSession"("jailId", "status");

-- CreateIndex
CREATE INDEX "ConsoleSession_hostId_status_idx" ON "ConsoleSession"("hostId", "status");

-- CreateIndex
CREATE INDEX "ConsoleSession_accountId_createdAt_idx" ON "ConsoleSession"("accountId", "createdAt");

-- AddForeignKey
ALTER TABLE "ConsoleSession" ADD CONSTRAINT "ConsoleSession_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsoleSession" ADD CONSTRAINT "ConsoleSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
