/**
 * Fills a store with the population the benchmarks and reliability
 * tests run against: enrolled users with sealed secrets, and progress items,
 * in one transaction each (bulk inserts take seconds that way, not minutes).
 * Secrets are derived from the JID so a client can sign without a lookup.
 */
import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { sealSecret } from "../../component/keys/sealed-secret.js";
import { openStore } from "../../component/store/open-store.js";
import type { PostgresStore } from "../../component/store/postgres-store.js";
import type { SqliteStore } from "../../component/store/sqlite-store.js";
import type { Store } from "../../component/store/store.js";
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
 * starts on it: a fresh master key file and the opened, migrated store
 * (SQLite, or PostgreSQL in the tests' PostgreSQL pass). The caller seeds
 * and closes the store.
 */
export async function createState(dir: string): Promise<{ masterKey: Buffer; store: Store }> {
  const { database, keyFile } = stateFiles(dir);
  const masterKey = writeMasterKey(keyFile);
  return { masterKey, store: await openStore(database) };
}

/** Enrolls users 1..n, each with key k1 and its own address, in one transaction. */
export async function seedUsers(store: Store, masterKey: Buffer, n: number, at = Date.now()): Promise<void> {
  if (store.engine === "postgres") return seedUsersPostgres(store as PostgresStore, masterKey, n, at);
  await store.identity.transaction(async (tx) => {
    for (let i = 1; i <= n; i++) {
      const jid = userJid(i);
      await tx.insertUser(jid, at);
      await tx.setAddresses(jid, [jid]);
      const { nonce, sealed } = sealSecret(masterKey, jid, KEY_ID, userSecret(jid));
      await tx.insertKey(jid, KEY_ID, "bench", nonce, sealed, at);
    }
  });
}

/**
 * The same rows in a few statements per 10,000 users: row by row, every
 * statement's trigger moves the one identity_generation row, and inside one
 * transaction each update must step over all the versions before it (100,000
 * users took minutes). The triggers still run, once per statement.
 */
async function seedUsersPostgres({ sql }: PostgresStore, masterKey: Buffer, n: number, at: number): Promise<void> {
  const CHUNK = 10_000;
  await sql.transaction(async (tx) => {
    for (let first = 1; first <= n; first += CHUNK) {
      const jids: string[] = [];
      const nonces: Buffer[] = [];
      const sealeds: Buffer[] = [];
      for (let i = first; i < Math.min(n + 1, first + CHUNK); i++) {
        const jid = userJid(i);
        const { nonce, sealed } = sealSecret(masterKey, jid, KEY_ID, userSecret(jid));
        jids.push(jid);
        nonces.push(nonce);
        sealeds.push(sealed);
      }
      await tx.query("INSERT INTO users (jid, enrolled_at) SELECT unnest($1::text[]), $2", [jids, at]);
      await tx.query("INSERT INTO addresses (jid, address) SELECT j, j FROM unnest($1::text[]) AS j", [jids]);
      await tx.query(
        `INSERT INTO keys (jid, key_id, label, secret_nonce, secret_sealed, created_at)
         SELECT unnest($1::text[]), $2, 'bench', unnest($3::bytea[]), unnest($4::bytea[]), $5`,
        [jids, KEY_ID, nonces, sealeds, at],
      );
    }
  });
}

/** `items` progress items over nodes of 100 items each (the cap), owned round-robin by users 1..owners. */
export async function seedProgress(store: Store, items: number, owners: number, at = Date.now()): Promise<void> {
  const nodes = Math.ceil(items / 100);
  if (store.engine === "postgres") {
    const { sql } = store as PostgresStore;
    await sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO progress_nodes (message_id, owner, created_at, last_seq)
         SELECT 'seed-' || i || '@example.org', 'u' || lpad((1 + (i - 1) % $2)::text, 6, '0') || '@example.org', $3, 100
         FROM generate_series(1, $1) AS i`,
        [nodes, owners, at],
      );
      await tx.query(
        `INSERT INTO progress_items (owner, message_id, seq, stage, at, by, publisher)
         SELECT 'u' || lpad((1 + (i / 100) % $2)::text, 6, '0') || '@example.org',
                'seed-' || (1 + i / 100) || '@example.org', 1 + i % 100, 'relayed', $3, 'example.org', 'example.org'
         FROM generate_series(0, $1 - 1) AS i`,
        [items, owners, at],
      );
    });
    return;
  }
  const { db } = store as SqliteStore;
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST(? AS INTEGER))
       INSERT INTO progress_nodes (message_id, owner, created_at, last_seq)
       SELECT 'seed-' || i || '@example.org', 'u' || substr('000000' || (1 + (i - 1) % CAST(? AS INTEGER)), -6) || '@example.org', ?, 100 FROM n`,
    ).run(nodes, owners, at);
    // Items name their node by owner and Message-ID (migrations/sqlite/004): the owner by the same round-robin.
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < CAST(? AS INTEGER) - 1)
       INSERT INTO progress_items (owner, message_id, seq, stage, at, by, publisher)
       SELECT 'u' || substr('000000' || (1 + (i / 100) % CAST(? AS INTEGER)), -6) || '@example.org',
              'seed-' || (1 + i / 100) || '@example.org', 1 + i % 100, 'relayed', ?, 'example.org', 'example.org' FROM n`,
    ).run(items, owners, at);
  })();
}
