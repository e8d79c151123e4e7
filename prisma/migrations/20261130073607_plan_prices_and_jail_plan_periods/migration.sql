-- CreateTable
CREATE TABLE "PlanPrice" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlanPrice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JailPlanPeriod" (
    "id" TEXT NOT NULL,
    "jailId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),

    CONSTRAINT "JailPlanPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PlanPrice_planId_effectiveFrom_key" ON "PlanPrice"("planId", "effectiveFrom");

-- CreateIndex
CREATE INDEX "JailPlanPeriod_jailId_startsAt_idx" ON "JailPlanPeriod"("jailId", "startsAt");

-- CreateIndex
CREATE INDEX "JailPlanPeriod_planId_idx" ON "JailPlanPeriod"("planId");

-- AddForeignKey
ALTER TABLE "PlanPrice" ADD CONSTRAINT "PlanPrice_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JailPlanPeriod" ADD CONSTRAINT "JailPlanPeriod_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JailPlanPeriod" ADD CONSTRAINT "JailPlanPeriod_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Backfill: every plan's current price has applied since the beginning, and every jail has been
-- on its current plan since it was created (the history before this migration is not known).
INSERT INTO "PlanPrice" ("id", "planId", "priceCents", "effectiveFrom", "createdAt")
SELECT 'pp_' || "id", "id", "priceCents", TIMESTAMP '1970-01-01 00:00:00', CURRENT_TIMESTAMP FROM "Plan";

INSERT INTO "JailPlanPeriod" ("id", "jailId", "planId", "startsAt", "endsAt")
SELECT 'jpp_' || "id", "id", "planId", "createdAt", NULL FROM "Jail";
