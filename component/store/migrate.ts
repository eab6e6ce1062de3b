/**
 * Applies numbered SQL migrations (`migrations/sqlite/NNN-verb-noun.sql`; PostgreSQL has its own in step, pg-migrate.ts) in one
 * transaction and records the schema version in PRAGMA user_version, so a
 * half-applied upgrade is impossible and the version travels with the file.
 * Safe when several processes open the same file at once.
 */
import { readdirSync, readFileSync } from "node:fs";
import type Database from "better-sqlite3";

/** dist/component/store → repository root → migrations/sqlite/ */
const MIGRATIONS_DIR = new URL("../../../migrations/sqlite/", import.meta.url);

export class SchemaTooNewError extends Error {}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{3}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file,
      sql: readFileSync(new URL(file, dir), "utf8"),
    }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is out of sequence (expected ${i + 1})`);
  });
  return migrations;
}

export function migrate(db: Database.Database, migrations: Migration[] = loadMigrations()): number {
  const latest = migrations.length;
  // The usual case, a file already up to date, needs no write lock.
  if (checkedVersion(db, latest) === latest) return latest;
  // Several processes may open a fresh file at once (`xsmtp run` and an
  // `xsmtp user enroll` right after it): a version read before taking the
  // lock may be stale by the time we hold it. So take the write lock first
  // (BEGIN IMMEDIATE, waiting busy_timeout for it), read the version again
  // inside the transaction and apply only what is still missing.
  db.transaction(() => {
    const current = checkedVersion(db, latest);
    if (current === latest) return;
    for (const m of migrations.slice(current)) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return latest;
}

function checkedVersion(db: Database.Database, latest: number): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > latest) {
    throw new SchemaTooNewError(
      `database schema version ${current} is newer than this XSMTP understands (${latest}); ` +
        "upgrade XSMTP or use a backup taken before the upgrade",
    );
  }
  return current;
}
