import { Prisma } from "@/lib/generated/prisma/client";

/**
 * A Date as a UTC `timestamp` SQL value. Our columns are `timestamp(3)` holding UTC; casting
 * through timestamptz AT TIME ZONE 'UTC' keeps the comparison right whatever the session's
 * TimeZone setting is.
 */
export function utc(d: Date): Prisma.Sql {
  return Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}
