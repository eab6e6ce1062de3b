/**
 * migrations/sqlite/004-rekey-progress.sql on a database with revision 0.0 progress
 * data: every node, item, subscription and recipient domain is carried over
 * under (owner, message_id), the node keeps its owner and is reachable as
 * progress/<owner>/<message-id>, and the re-keyed tables behave as 003's did
 * (cascades, STRICT, disco order).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { nodeName, parseNodeName } from "../../../../protocol/progress-node.js";
import { AsyncLock } from "../../../../component/store/async-lock.js";
import { sqliteProgressStorage } from "../../../../component/progress/sqlite-progress-storage.js";
import { loadMigrations, migrate } from "../../../../component/store/migrate.js";

const T0 = Date.parse("2026-11-28T10:00:00Z");

/** A database at schema 3 holding revision 0.0 progress rows (nodes named by Message-ID alone). */
function oldDatabase() {
  const db = new Database(":memory:");
  db.pragma("foreign_keys = ON");
  migrate(db, loadMigrations().slice(0, 3));
  db.exec(`
    INSERT INTO users (jid, enrolled_at) VALUES ('alice@example.org', 0), ('mallory@example.org', 0);
    INSERT INTO progress_nodes (message_id, owner, created_at, updated_at, last_seq, rejected_suppressed) VALUES
      ('m1@example.org', 'alice@example.org', ${T0}, ${T0 + 5000}, 3, 2),
      ('same-time@example.org', 'alice@example.org', ${T0}, ${T0}, 0, 0),
      ('m2@example.org', 'mallory@example.org', ${T0 + 1000}, ${T0 + 1000}, 1, 0);
    INSERT INTO progress_items (message_id, seq, stage, at, by, recipients, domains, publisher) VALUES
      ('m1@example.org', 2, 'submitted', ${T0}, 'example.org', 2, 'other.org third.example', 'alice@example.org'),
      ('m1@example.org', 3, 'verified', ${T0 + 5000}, 'other.org', NULL, '', 'other.org'),
      ('m2@example.org', 1, 'relayed', ${T0 + 1000}, 'example.org', NULL, '', 'mallory@example.org');
    INSERT INTO progress_subscriptions (message_id, jid) VALUES
      ('m1@example.org', 'alice@example.org'), ('m1@example.org', 'admin@example.org'), ('m2@example.org', 'mallory@example.org');
    INSERT INTO progress_recipient_domains (message_id, domain) VALUES
      ('m1@example.org', 'other.org'), ('m1@example.org', 'third.example');
  `);
  return db;
}

const rows = (db: Database.Database, sql: string) => db.prepare(sql).all();

describe("migration 004: progress re-keyed by (owner, message_id)", () => {
  it("carries every row over under its node's owner and drops updated_at", () => {
    const db = oldDatabase();
    assert.equal(migrate(db), 4);
    assert.deepEqual(rows(db, "SELECT * FROM progress_nodes ORDER BY rowid"), [
      { owner: "alice@example.org", message_id: "m1@example.org", created_at: T0, last_seq: 3, rejected_suppressed: 2 },
      { owner: "alice@example.org", message_id: "same-time@example.org", created_at: T0, last_seq: 0, rejected_suppressed: 0 },
      { owner: "mallory@example.org", message_id: "m2@example.org", created_at: T0 + 1000, last_seq: 1, rejected_suppressed: 0 },
    ]);
    assert.deepEqual(rows(db, "SELECT owner, message_id, seq, stage, domains FROM progress_items ORDER BY owner, message_id, seq"), [
      { owner: "alice@example.org", message_id: "m1@example.org", seq: 2, stage: "submitted", domains: "other.org third.example" },
      { owner: "alice@example.org", message_id: "m1@example.org", seq: 3, stage: "verified", domains: "" },
      { owner: "mallory@example.org", message_id: "m2@example.org", seq: 1, stage: "relayed", domains: "" },
    ]);
    assert.deepEqual(rows(db, "SELECT owner, message_id, jid FROM progress_subscriptions ORDER BY owner, jid"), [
      { owner: "alice@example.org", message_id: "m1@example.org", jid: "admin@example.org" },
      { owner: "alice@example.org", message_id: "m1@example.org", jid: "alice@example.org" },
      { owner: "mallory@example.org", message_id: "m2@example.org", jid: "mallory@example.org" },
    ]);
    assert.deepEqual(rows(db, "SELECT owner, message_id, domain FROM progress_recipient_domains ORDER BY domain"), [
      { owner: "alice@example.org", message_id: "m1@example.org", domain: "other.org" },
      { owner: "alice@example.org", message_id: "m1@example.org", domain: "third.example" },
    ]);
    assert.deepEqual(db.pragma("foreign_key_check"), []);
  });

  it("the old nodes are reachable by their new names through the store, and keep disco order", async () => {
    const db = oldDatabase();
    migrate(db);
    const storage = sqliteProgressStorage(db, new AsyncLock());
    const key = parseNodeName("progress/alice@example.org/m1@example.org")!;
    assert.deepEqual((await storage.node(key)), { owner: "alice@example.org", createdAt: T0, suppressed: 2 });
    assert.deepEqual((await storage.items(key, {})).map((i) => [i.id, i.event.stage]), [["0000000002", "submitted"], ["0000000003", "verified"]]);
    assert.deepEqual((await storage.recipientDomains(key)), ["other.org", "third.example"]);
    assert.equal((await storage.node({ owner: "mallory@example.org", messageId: "m1@example.org" })), undefined);
    // Ties on created_at go newest row first, as before the migration.
    assert.deepEqual((await storage.ownedBy("alice@example.org", 10)), ["same-time@example.org", "m1@example.org"]);
    assert.equal(nodeName({ owner: "mallory@example.org", messageId: (await storage.ownedBy("mallory@example.org", 10))[0]! }),
      "progress/mallory@example.org/m2@example.org");
    // Item ids go on from the carried-over counter.
    assert.equal((await storage.append(key, "alice@example.org", { stage: "relayed", at: T0 + 9000, by: "example.org", recipientDomains: [] }, { maxItems: 100 })).seq, 4);
  });

  it("the new tables are STRICT, their foreign keys follow the renamed node table, and unenrolling cascades", () => {
    const db = oldDatabase();
    migrate(db);
    for (const table of ["progress_nodes", "progress_items", "progress_subscriptions", "progress_recipient_domains"]) {
      const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(table) as { sql: string };
      assert.match(sql, /\)\s*STRICT/, table);
      if (table !== "progress_nodes") {
        const fk = db.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[];
        assert.deepEqual(fk.map((f) => [f.table, f.from, f.to]), [["progress_nodes", "owner", "owner"], ["progress_nodes", "message_id", "message_id"]], table);
      }
    }
    assert.equal(rows(db, "SELECT name FROM sqlite_master WHERE name LIKE '%_v4'").length, 0);
    db.prepare("DELETE FROM users WHERE jid = 'alice@example.org'").run();
    for (const table of ["progress_nodes", "progress_items", "progress_subscriptions", "progress_recipient_domains"]) {
      const left = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE owner = 'alice@example.org'`).get() as { n: number };
      assert.equal(left.n, 0, table);
    }
    assert.equal((db.prepare("SELECT count(*) AS n FROM progress_items").get() as { n: number }).n, 1, "mallory's item stays");
  });
});
