-- CreateTable
CREATE TABLE "WorkerTick" (
    "id" TEXT NOT NULL,
    "workerId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "tasks" TEXT[],
    "error" TEXT,

    CONSTRAINT "WorkerTick_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WorkerTick_startedAt_idx" ON "WorkerTick"("startedAt");

