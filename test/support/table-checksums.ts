import type { TestDatabase } from './database.js';

/**
 * Every table of a test database but `skip`: its row count and a hash of its rows, to show that a refused request
 * left the database as it was. api_tokens.last_used_at is bookkeeping of authentication, not a change a request makes.
 */
export async function tableChecksums(db: TestDatabase, skip: string[] = []): Promise<Record<string, string>> {
  const tables = (
    await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  )
    .map((r) => r.tablename)
    .filter((name) => !skip.includes(name));
  const sql = tables
    .map(
      (name) =>
        `SELECT '${name}' AS t, count(*)::int AS n, md5(coalesce(string_agg(j::text, '|' ORDER BY j::text), '')) AS h ` +
        `FROM (SELECT to_jsonb(x) - 'last_used_at' AS j FROM "${name}" x) s`,
    )
    .join(' UNION ALL ');
  const rows = await db.query<{ t: string; n: number; h: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n} rows ${r.h}`]));
}
