// Keyset ("seek") pagination for the long lists, newest first by (createdAt, id). A page is
// found from the row beside it, not by skipping rows, so every page costs one index range scan
// however deep it is, and no list needs an exact count of the fleet's rows. The cursors are
// the `<ms>.<id>` strings of lib/schemas/common.ts (listCursor).

/** Where a page starts: rows older than `after`, or newer than `before` (cursor strings); neither is the newest page. */
export type ListCursor = { after?: string; before?: string };

/** One page, newest first, with the cursors of its neighbours (null: there is none). */
export type KeysetPage<T> = {
  rows: T[];
  /** Cursor for the page of newer rows (`before`), null on the newest page. */
  newer: string | null;
  /** Cursor for the page of older rows (`after`), null on the last page. */
  older: string | null;
  /** False on the newest page (a "newest" link is worth showing). */
  paged: boolean;
};

type Key = { createdAt: Date; id: string };

/** `<ms>.<id>` for a row. */
export function encodeCursor(row: Key): string {
  return `${row.createdAt.getTime()}.${row.id}`;
}

/** The row key a cursor names, or null for a malformed one. */
export function decodeCursor(cursor: string | undefined): Key | null {
  const m = cursor ? /^(\d{1,15})\.([a-z0-9]{1,64})$/i.exec(cursor) : null;
  if (!m) return null;
  const createdAt = new Date(Number(m[1]));
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: m[2]! };
}

/**
 * The Prisma `where` for the rows strictly beside a key, in (createdAt, id) order. Written as
 * `createdAt <= c AND (createdAt < c OR id < i)` rather than a plain OR, so that the first
 * half is an index range condition (the second only drops rows with the same createdAt).
 */
function beside(key: Key, side: "older" | "newer") {
  return side === "older"
    ? { AND: [{ createdAt: { lte: key.createdAt } }, { OR: [{ createdAt: { lt: key.createdAt } }, { id: { lt: key.id } }] }] }
    : { AND: [{ createdAt: { gte: key.createdAt } }, { OR: [{ createdAt: { gt: key.createdAt } }, { id: { gt: key.id } }] }] };
}

export type KeysetQuery = {
  where: ReturnType<typeof beside> | Record<string, never>;
  orderBy: [{ createdAt: "asc" | "desc" }, { id: "asc" | "desc" }];
  take: number;
};

/**
 * One page of `pageSize` rows, newest first, at `cursor`. `fetch` runs the list's query with
 * the given `where` (to be AND-ed with the list's own filter), `orderBy` and `take`.
 * A `before` cursor that reaches the newest rows returns the newest page itself (full, and
 * without a "newer" link); an unknown or malformed cursor is read as none.
 */
export async function keysetPage<T extends Key>({
  cursor,
  pageSize,
  fetch,
}: {
  cursor: ListCursor;
  pageSize: number;
  fetch: (q: KeysetQuery) => Promise<T[]>;
}): Promise<KeysetPage<T>> {
  const desc = [{ createdAt: "desc" }, { id: "desc" }] as KeysetQuery["orderBy"];
  const after = decodeCursor(cursor.after);
  const before = after ? null : decodeCursor(cursor.before);
  if (before) {
    const got = await fetch({ where: beside(before, "newer"), orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: pageSize + 1 });
    if (got.length > pageSize) {
      const rows = got.slice(0, pageSize).reverse();
      return { rows, newer: encodeCursor(rows[0]!), older: encodeCursor(rows[rows.length - 1]!), paged: true };
    }
    // Nothing newer than these: that is the newest page.
  }
  const got = await fetch({ where: after ? beside(after, "older") : {}, orderBy: desc, take: pageSize + 1 });
  const rows = got.slice(0, pageSize);
  return {
    rows,
    newer: after && rows.length ? encodeCursor(rows[0]!) : null,
    older: got.length > pageSize ? encodeCursor(rows[rows.length - 1]!) : null,
    paged: Boolean(after),
  };
}
