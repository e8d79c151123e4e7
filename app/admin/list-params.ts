import type { z } from "zod";
import type { ListCursor } from "@/lib/domain/keyset";
import { listCursor, page as pageSchema } from "@/lib/schemas/common";

/** Search params with "" (a select left on "Any …") read as absent. */
async function given(searchParams: Promise<Record<string, string | undefined>>) {
  const params = await searchParams;
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value || undefined]));
}

/**
 * A filtered list page's search params as its page number and its filter. An empty value (a
 * select left on "Any …") counts as absent; the schema drops what it does not know or accept.
 */
export async function readListParams<S extends z.ZodType>(
  searchParams: Promise<Record<string, string | undefined>>,
  filterSchema: S,
): Promise<{ page: number; filter: z.output<S> }> {
  const params = await given(searchParams);
  return { page: pageSchema.parse(params.page), filter: filterSchema.parse(params) };
}

/**
 * A keyset-paged list's search params (lib/domain/keyset): its cursor (`after` or `before`,
 * a malformed one read as absent, so the list starts from the newest) and its filter, read as
 * readListParams reads it.
 */
export async function readKeysetListParams<S extends z.ZodType>(
  searchParams: Promise<Record<string, string | undefined>>,
  filterSchema: S,
): Promise<{ cursor: ListCursor; filter: z.output<S> }> {
  const params = await given(searchParams);
  return { cursor: { after: listCursor.parse(params.after), before: listCursor.parse(params.before) }, filter: filterSchema.parse(params) };
}
