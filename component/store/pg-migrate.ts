/**
 * Applies migrations/postgres/NNN-*.sql in one transaction under an
 * advisory lock, the version kept in xsmtp_schema: instances starting at the
 * same moment queue on the lock, and each migration is applied exactly once.
 * A store newer than this code is refused, as on SQLite.
 */
import { loadMigrations, SchemaTooNewError, type Migration } from "./migrate.js";
import type { Sql } from "./postgres-sql.js";

const MIGRATIONS_DIR = new URL("../../../migrations/postgres/", import.meta.url);
/** Any constant shared by every instance: the key of the migration lock. */
const MIGRATION_LOCK = 0x7873_6d74; // "xsmt"

export const loadPostgresMigrations = () => loadMigrations(MIGRATIONS_DIR);

export async function migratePostgres(sql: Sql, migrations: Migration[] = loadPostgresMigrations()): Promise<number> {
  const latest = migrations.length;
  return sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query("CREATE TABLE IF NOT EXISTS xsmtp_schema (version INTEGER NOT NULL)");
    const rows = await tx.query<{ version: number }>("SELECT version FROM xsmtp_schema");
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new SchemaTooNewError(
        `database schema version ${current} is newer than this XSMTP understands (${latest}); ` +
          "upgrade XSMTP or use a backup taken before the upgrade",
      );
    }
    if (current === latest) return latest;
    // Unprepared: a migration file holds several statements.
    for (const m of migrations.slice(current)) await tx.exec(m.sql);
    if (rows.length === 0) await tx.query("INSERT INTO xsmtp_schema (version) VALUES ($1)", [latest]);
    else await tx.query("UPDATE xsmtp_schema SET version = $1", [latest]);
    return latest;
  });
}
