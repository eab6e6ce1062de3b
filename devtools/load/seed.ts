/**
 * Fills a database file with the population the benchmarks and reliability
 * tests run against: enrolled users with sealed secrets, and progress items,
 * in one transaction each (bulk inserts take seconds that way, not minutes).
 * Secrets are derived from the JID so a client can sign without a lookup.
 */
import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { keyStatements } from "../../component/keys/key-store.js";
import { sealSecret } from "../../component/keys/sealed-secret.js";
import { openDatabase, type Db } from "../../component/store/database.js";
import { stateFiles } from "../xsmtp-env.js";

export const KEY_ID = "k1";
const derivation = randomBytes(32);

export const userJid = (i: number) => `u${String(i).padStart(6, "0")}@example.org`;
export const userSecret = (jid: string) => createHmac("sha256", derivation).update(jid).digest();

/** Writes a fresh master key file the way `loadOrCreateMasterKey` expects it. */
export function writeMasterKey(file: string): Buffer {
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64url") + "\n", { mode: 0o600 });
  return key;
}

/**
 * Starts a state folder (xsmtp-env.ts's stateDir) to seed before `xsmtp run`
 * starts on it: a fresh master key file and the opened, migrated database.
 * The caller seeds and closes the database.
 */
export function createState(dir: string): { masterKey: Buffer; db: Db } {
  const { database, keyFile } = stateFiles(dir);
  const masterKey = writeMasterKey(keyFile);
  return { masterKey, db: openDatabase(database) };
}

/** Enrolls users 1..n, each with key k1 and its own address. */
export function seedUsers(db: Db, masterKey: Buffer, n: number, at = Date.now()): void {
  const s = keyStatements(db);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const jid = userJid(i);
      s.insertUser.run(jid, at);
      s.insertAddress.run(jid, jid);
      const { nonce, sealed } = sealSecret(masterKey, jid, KEY_ID, userSecret(jid));
      s.insertKey.run(jid, KEY_ID, "bench", nonce, sealed, at);
    }
  })();
}

/** `items` progress items over nodes of 100 items each (the cap), owned round-robin by users 1..owners. */
export function seedProgress(db: Db, items: number, owners: number, at = Date.now()): void {
  const nodes = Math.ceil(items / 100);
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST(? AS INTEGER))
       INSERT INTO progress_nodes (message_id, owner, created_at, last_seq)
       SELECT 'seed-' || i || '@example.org', 'u' || substr('000000' || (1 + (i - 1) % CAST(? AS INTEGER)), -6) || '@example.org', ?, 100 FROM n`,
    ).run(nodes, owners, at);
    // Items name their node by owner and Message-ID (migrations/004): the owner by the same round-robin.
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < CAST(? AS INTEGER) - 1)
       INSERT INTO progress_items (owner, message_id, seq, stage, at, by, publisher)
       SELECT 'u' || substr('000000' || (1 + (i / 100) % CAST(? AS INTEGER)), -6) || '@example.org',
              'seed-' || (1 + i / 100) || '@example.org', 1 + i % 100, 'relayed', ?, 'example.org', 'example.org' FROM n`,
    ).run(items, owners, at);
  })();
}
