// Direct reads of the app's database, to assert what a flow did (or did not) write.
import pg from "pg";
import { requireEnv } from "./env";

let pool: pg.Pool | undefined;

export function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const url = requireEnv("E2E_DATABASE_URL");
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error("Refusing to touch a non-local database from tests.");
  pool ??= new pg.Pool({ connectionString: url, max: 3 });
  return pool.query<T>(text, params).then((r) => r.rows);
}

export async function count(table: string, where: string, params: unknown[] = []): Promise<number> {
  const rows = await sql<{ n: string }>(`SELECT count(*)::text AS n FROM "${table}" WHERE ${where}`, params);
  return Number(rows[0]!.n);
}
