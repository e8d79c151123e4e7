-- AlterTable
ALTER TABLE "Jail" ADD COLUMN     "initPid" INTEGER;

