/**
 * Storage of users, keys and addresses on better-sqlite3, behind the
 * IdentityStorage interface. Statements are prepared once per database.
 * Secrets pass through here only sealed.
 */
import type { AddressRow } from "../../schema/addresses.js";
import type { KeyRow } from "../../schema/keys.js";
import type { UserRow } from "../../schema/users.js";
import { perConnection, type Db } from "../store/database.js";
import type { AsyncLock } from "../store/async-lock.js";
import { runTransaction, sqliteWriter } from "../store/sqlite-transaction.js";
import type { IdentityStorage } from "./identity-storage.js";

/** Identity writes made through this module per connection: identity-lookup.ts drops its cache when it moves. */
const writes = new WeakMap<Db, number>();

export const identityWrites = (db: Db) => writes.get(db) ?? 0;
const wrote = (db: Db) => void writes.set(db, identityWrites(db) + 1);

function prepare(db: Db) {
  return {
    user: db.prepare<[string], UserRow>("SELECT jid, enrolled_at FROM users WHERE jid = ?"),
    insertUser: db.prepare<[string, number]>("INSERT INTO users (jid, enrolled_at) VALUES (?, ?)"),
    deleteUser: db.prepare<[string]>("DELETE FROM users WHERE jid = ?"),
    usersAfter: db.prepare<[string, number], { jid: string }>("SELECT jid FROM users WHERE jid > ? ORDER BY jid LIMIT ?"),
    key: db.prepare<[string, string], KeyRow>("SELECT * FROM keys WHERE jid = ? AND key_id = ?"),
    keys: db.prepare<[string], KeyRow>("SELECT * FROM keys WHERE jid = ? ORDER BY created_at, key_id"),
    insertKey: db.prepare<[string, string, string, Buffer, Buffer, number]>(
      "INSERT INTO keys (jid, key_id, label, secret_nonce, secret_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    retireKey: db.prepare<[number, string, string]>(
      "UPDATE keys SET retired_at = ? WHERE jid = ? AND key_id = ? AND retired_at IS NULL AND revoked_at IS NULL",
    ),
    revokeKey: db.prepare<[number, string, string]>(
      "UPDATE keys SET revoked_at = ? WHERE jid = ? AND key_id = ? AND revoked_at IS NULL",
    ),
    revokeAll: db.prepare<[number, string]>("UPDATE keys SET revoked_at = ? WHERE jid = ? AND revoked_at IS NULL"),
    addresses: db.prepare<[string], AddressRow>("SELECT jid, address FROM addresses WHERE jid = ? ORDER BY address"),
    deleteAddresses: db.prepare<[string]>("DELETE FROM addresses WHERE jid = ?"),
    insertAddress: db.prepare<[string, string]>("INSERT OR IGNORE INTO addresses (jid, address) VALUES (?, ?)"),
    byAddress: db.prepare<[string], { jid: string }>("SELECT jid FROM addresses WHERE address = ? ORDER BY jid LIMIT 2"),
    countUsers: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users"),
    countKeys: db.prepare<[], { state: string; n: number }>(
      `SELECT CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN retired_at IS NOT NULL THEN 'retired' ELSE 'active' END AS state,
              count(*) AS n FROM keys GROUP BY state`,
    ),
  };
}

const keyStatements = perConnection(prepare);

/**
 * The store behind the IdentityStorage interface the identity core is given.
 * Writes outside a transaction, and transactions, hold the connection's lock
 * (store/async-lock.ts); `tx` is the storage bound to an open transaction,
 * whose calls run at once.
 */
export function sqliteIdentityStorage(db: Db, lock: AsyncLock, inTransaction = false): IdentityStorage {
  const s = keyStatements(db);
  const write = sqliteWriter(lock, inTransaction);
  const storage: IdentityStorage = {
    transaction: (work) => (inTransaction ? work(storage) : runTransaction(db, lock, () => work(sqliteIdentityStorage(db, lock, true)))),
    user: async (jid) => s.user.get(jid),
    insertUser: (jid, at) => write(() => void s.insertUser.run(jid, at)),
    deleteUser: (jid) =>
      write(() => {
        wrote(db);
        s.deleteUser.run(jid);
      }),
    usersAfter: async (after, limit) => s.usersAfter.all(after, limit).map((r) => r.jid),
    key: async (jid, keyId) => s.key.get(jid, keyId),
    keys: async (jid) => s.keys.all(jid),
    insertKey: (jid, keyId, label, nonce, sealed, at) => write(() => void (wrote(db), s.insertKey.run(jid, keyId, label, nonce, sealed, at))),
    retireKey: (at, jid, keyId) => write(() => void (wrote(db), s.retireKey.run(at, jid, keyId))),
    revokeKey: (at, jid, keyId) => write(() => void (wrote(db), s.revokeKey.run(at, jid, keyId))),
    revokeAll: (at, jid) => write(() => void (wrote(db), s.revokeAll.run(at, jid))),
    addresses: async (jid) => s.addresses.all(jid).map((r) => r.address),
    // At most two: enough to see that an address is ambiguous.
    identitiesForAddress: async (address) => s.byAddress.all(address).map((r) => r.jid),
    setAddresses: (jid, addresses) =>
      write(() =>
        db.transaction(() => {
          wrote(db);
          s.deleteAddresses.run(jid);
          for (const address of addresses) s.insertAddress.run(jid, address);
        })(),
      ),
    countUsers: async () => s.countUsers.get()!.n,
    countKeys: async () => s.countKeys.all(),
  };
  return storage;
}
