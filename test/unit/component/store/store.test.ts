import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { openDatabase } from "../../../../component/store/database.js";
import { loadMigrations, migrate, SchemaTooNewError } from "../../../../component/store/migrate.js";

describe("store", () => {
  it("creates a missing database with WAL, foreign keys and the latest schema", () => {
    const file = join(mkdtempSync(join(tmpdir(), "xsmtp-store-")), "new.sqlite");
    const db = openDatabase(file);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.equal(db.pragma("busy_timeout", { simple: true }), 5000);
    assert.equal(db.pragma("user_version", { simple: true }), loadMigrations().length);
    db.close();
  });

  it("re-opening applies nothing twice", () => {
    const file = join(mkdtempSync(join(tmpdir(), "xsmtp-store-")), "again.sqlite");
    openDatabase(file).close();
    const db = openDatabase(file);
    assert.equal(db.pragma("user_version", { simple: true }), loadMigrations().length);
    db.close();
  });

  it("refuses a database newer than the code", () => {
    const db = new Database(":memory:");
    db.pragma("user_version = 999");
    assert.throws(() => migrate(db), (err: Error) => err instanceof SchemaTooNewError && /999/.test(err.message));
  });

  it("a failing migration leaves the database as it was", () => {
    const db = new Database(":memory:");
    const good = loadMigrations();
    const broken = [...good, { version: good.length + 1, name: "999-broken.sql", sql: "CREATE TABLE t(x); SELECT nonsense(" }];
    assert.throws(() => migrate(db, broken));
    assert.equal(db.pragma("user_version", { simple: true }), 0);
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
    assert.equal(tables.n, 0);
  });
});
