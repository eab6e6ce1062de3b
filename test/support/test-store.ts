/**
 * A fresh store for one test: SQLite in memory, or, in the tests'
 * PostgreSQL pass (devtools/test-database.ts), a new PostgreSQL database.
 */
import { openPostgresStore } from "../../component/store/postgres-store.js";
import { openSqliteStore } from "../../component/store/sqlite-store.js";
import type { Store } from "../../component/store/store.js";
import { freshPostgresDatabase, testPostgres } from "../../devtools/test-database.js";

export async function openTestStore(): Promise<Store> {
  const admin = testPostgres();
  return admin ? openPostgresStore(await freshPostgresDatabase(admin)) : openSqliteStore(":memory:");
}
