// "Not found" one way for pages. Domain reads throw AppError NOT_FOUND for a missing (or another
// account's) record; a page reads through this helper, which validates the route's id first and
// renders the 404 page for both a malformed id and a missing record.
import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { id as idSchema } from "@/lib/schemas/common";

/**
 * Validates `rawId` (a route parameter) and reads the record with `read`; a malformed id or a
 * NOT_FOUND from the read renders the 404 page. Other errors propagate.
 */
export async function readForPage<T>(rawId: string, read: (id: string) => Promise<T>): Promise<T> {
  const parsed = idSchema.safeParse(rawId);
  if (!parsed.success) notFound();
  try {
    return await read(parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
