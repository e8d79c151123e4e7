-- CreateTable
CREATE TABLE "PasswordResetRequest" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "PasswordResetRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PasswordResetRequest_email_createdAt_idx" ON "PasswordResetRequest"("email", "createdAt");

-- CreateIndex
CREATE INDEX "PasswordResetRequest_ip_createdAt_idx" ON "PasswordResetRequest"("ip", "createdAt");

-- CreateIndex
CREATE INDEX "PasswordResetRequest_processedAt_createdAt_idx" ON "PasswordResetRequest"("processedAt", "createdAt");

