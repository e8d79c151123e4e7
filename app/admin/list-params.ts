import type { z } from "zod";
import { page as pageSchema } from "@/lib/schemas/common";

/**
 * A filtered list page's search params as its page number and its filter. An empty value (a
 * select left on "Any …") counts as absent; the schema drops what it does not know or accept.
 */
export async function readListParams<S extends z.ZodType>(
  searchParams: Promise<Record<string, string | undefined>>,
  filterSchema: S,
): Promise<{ page: number; filter: z.output<S> }> {
  const params = await searchParams;
  const given = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value || undefined]));
  return { page: pageSchema.parse(params.page), filter: filterSchema.parse(given) };
}
