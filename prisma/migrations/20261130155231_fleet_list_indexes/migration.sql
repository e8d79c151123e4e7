-- CreateIndex
CREATE INDEX "Jail_createdAt_id_idx" ON "Jail"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Jail_planId_createdAt_id_idx" ON "Jail"("planId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Jail_hostId_createdAt_id_idx" ON "Jail"("hostId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Job_createdAt_id_idx" ON "Job"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Job_hostId_createdAt_id_idx" ON "Job"("hostId", "createdAt", "id");

