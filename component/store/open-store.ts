/**
 * Opens the store XSMTP_DATABASE names: a postgres:// or postgresql:// URL
 * is the shared PostgreSQL store (several instances); anything else is a
 * SQLite file (one host). Either is migrated before it is handed out.
 */
import { openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

export async function openStore(database: string): Promise<Store> {
  return isPostgresUrl(database) ? openPostgresStore(database) : openSqliteStore(database);
}

/** The database as logs may show it: a PostgreSQL URL without its password. */
export function describeDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}
