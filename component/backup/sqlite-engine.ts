/**
 * Backup and restore of the SQLite store. The backup reads through SQLite's
 * online backup API from its own connection: in WAL mode a reader neither
 * blocks the service's writes nor waits for them, so a backup can be taken
 * at any time. A restore needs the service stopped, and checks that it is.
 *
 * References: sqlite.org/backup.html, sqlite.org/wal.html §2.2 (concurrency),
 * sqlite.org/pragma.html#pragma_locking_mode.
 */
import { copyFileSync, existsSync, rmSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { loadMigrations } from "../store/migrate.js";
import { fsyncPath, takeOwnerOf } from "./durable-files.js";
import type { StoreEngine } from "./store-engine.js";

/** Pages per backup step: all of them (better-sqlite3's ceiling), see backupStore. */
const ALL_PAGES = 0x7fffffff;
const BUSY_TIMEOUT_MS = 5000;

export function sqliteEngine(file: string): StoreEngine {
  return {
    name: "sqlite",
    fileName: "store.sqlite",
    knownSchemaVersion: () => loadMigrations().length,
    exists: async () => existsSync(file),

    async backupStore(dest) {
      // Read-write although it only reads: closing the last connection to a
      // WAL database removes its -wal and -shm files, which a read-only one
      // leaves behind, owned by whoever ran the backup (root, say, whose
      // -shm the service's user then cannot open).
      const source = new Database(file, { fileMustExist: true });
      try {
        source.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        // All pages in one step, so in one read transaction: one consistent
        // snapshot however hard the service writes meanwhile. In steps of
        // 100 pages (the default) every commit of another connection
        // between two steps restarts the copy, and a busy service could
        // keep it from ever finishing.
        await source.backup(dest, { progress: () => ALL_PAGES });
      } finally {
        source.close();
      }
      const copy = new Database(dest);
      try {
        // One self-contained file: the copy would otherwise be in WAL mode too.
        copy.pragma("journal_mode = DELETE");
        const check = copy.pragma("integrity_check", { simple: true });
        if (check !== "ok") throw new Error(`the copy of ${file} fails SQLite's integrity check: ${check}`);
        return { schemaVersion: copy.pragma("user_version", { simple: true }) as number };
      } finally {
        copy.close();
      }
    },

    async inUse() {
      if (!existsSync(file)) return false;
      const db = new Database(file, { fileMustExist: true });
      try {
        // Every connection to a WAL database holds a shared lock for as long
        // as it is open, idle or not; an exclusive lock is granted only when
        // no other connection exists. Ask once, without waiting.
        db.pragma("busy_timeout = 0");
        db.pragma("locking_mode = EXCLUSIVE");
        db.exec("BEGIN EXCLUSIVE");
        db.exec("COMMIT");
        return false;
      } catch (err) {
        if ((err as { code?: string }).code === "SQLITE_BUSY") return true;
        throw err;
      } finally {
        db.close();
      }
    },

    async hasData() {
      if (!existsSync(file)) return false;
      let db: Database.Database | undefined;
      try {
        db = new Database(file, { fileMustExist: true }); // read-write for the same reason as backupStore's
        const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
        return tables.some((t) => db!.prepare(`SELECT EXISTS (SELECT 1 FROM "${t.replaceAll('"', '""')}")`).pluck().get() === 1);
      } catch (err) {
        // Something that is not an SQLite database is there: it is not ours to throw away unasked.
        if ((err as { code?: string }).code === "SQLITE_NOTADB") return true;
        throw err;
      } finally {
        db?.close();
      }
    },

    async restoreStore(src) {
      // The copy's hash was checked against a manifest written after SQLite's
      // integrity check of this very file, so it is not checked again here.
      const tmp = `${file}.restoring-${process.pid}`;
      copyFileSync(src, tmp);
      try {
        fsyncPath(tmp);
        takeOwnerOf(tmp, file);
        // A log left by the database being replaced would be replayed onto the restored one.
        for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
        renameSync(tmp, file);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      }
      fsyncPath(dirname(file));
    },
  };
}
