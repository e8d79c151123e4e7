import Link from "next/link";
import { buttonClass } from "./button-styles";

/**
 * Prev / next links that keep the other query parameters. `total` may be omitted for
 * keyset-style lists where counting would be expensive.
 */
export function Pagination({
  page,
  pageSize,
  total,
  hasMore,
  basePath,
  params = {},
  pageParam = "page",
}: {
  page: number;
  pageSize: number;
  total?: number;
  hasMore?: boolean;
  basePath: string;
  params?: Record<string, string | undefined>;
  /** The query parameter that carries the page, for a page with two paged lists. */
  pageParam?: string;
}) {
  const pages = total !== undefined ? Math.max(1, Math.ceil(total / pageSize)) : undefined;
  const more = hasMore ?? (pages !== undefined && page < pages);
  const href = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (p > 1) q.set(pageParam, String(p));
    const s = q.toString();
    return s ? `${basePath}?${s}` : basePath;
  };
  if (page <= 1 && !more) return null;
  return (
    <nav className="mt-4 flex items-center justify-between text-sm text-zinc-600" aria-label="Pagination">
      <span>
        Page {page}
        {pages !== undefined && ` of ${pages}`}
        {total !== undefined && ` · ${total} in all`}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={buttonClass("secondary", "sm")} href={href(page - 1)} rel="prev">
            Previous
          </Link>
        ) : null}
        {more ? (
          <Link className={buttonClass("secondary", "sm")} href={href(page + 1)} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

/**
 * Newest / previous / next links for a keyset-paged list (lib/domain/keyset): `newer` and
 * `older` are the neighbouring pages' cursors (null: none), `paged` is false on the newest page.
 * The links keep the other query parameters (the list's filters).
 */
export function KeysetPagination({
  newer,
  older,
  paged,
  basePath,
  params = {},
}: {
  newer: string | null;
  older: string | null;
  paged: boolean;
  basePath: string;
  params?: Record<string, string | undefined>;
}) {
  const href = (cursor?: { after?: string; before?: string }) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cursor?.after) q.set("after", cursor.after);
    if (cursor?.before) q.set("before", cursor.before);
    const s = q.toString();
    return s ? `${basePath}?${s}` : basePath;
  };
  if (!paged && !older) return null;
  return (
    <nav className="mt-4 flex items-center justify-between text-sm text-zinc-600" aria-label="Pagination">
      <span>{paged ? "Older entries" : "Newest first"}</span>
      <span className="flex gap-2">
        {paged ? (
          <Link className={buttonClass("secondary", "sm")} href={href()}>
            Newest
          </Link>
        ) : null}
        {newer ? (
          <Link className={buttonClass("secondary", "sm")} href={href({ before: newer })} rel="prev">
            Previous
          </Link>
        ) : null}
        {older ? (
          <Link className={buttonClass("secondary", "sm")} href={href({ after: older })} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
