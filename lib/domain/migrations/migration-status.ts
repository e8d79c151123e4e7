import type { MigrationStatus } from "@/lib/generated/prisma/client";

/** A migration still under way: its jail must not be moved again or evacuated twice. */
export const OPEN_MIGRATION_STATUSES: MigrationStatus[] = ["COPYING", "RESTORING"];
