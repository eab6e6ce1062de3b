/**
 * Users, keys and addresses on PostgreSQL, behind the IdentityStorage
 * interface (the SQLite version is key-store.ts). Every identity transaction
 * first locks the identity generation row (migrations/postgres/001), so
 * identity writes from several instances and the CLI take turns instead of
 * deadlocking on the row the triggers move.
 */
import type { AddressRow } from "../../schema/addresses.js";
import type { KeyRow } from "../../schema/keys.js";
import type { UserRow } from "../../schema/users.js";
import type { Sql } from "../store/postgres-sql.js";
import type { IdentityStorage } from "./identity-storage.js";

async function replaceAddresses(sql: Sql, jid: string, addresses: string[]): Promise<void> {
  await sql.query("DELETE FROM addresses WHERE jid = $1", [jid]);
  if (addresses.length) await sql.query("INSERT INTO addresses (jid, address) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", [jid, addresses]);
}

export function postgresIdentityStorage(sql: Sql, inTransaction = false): IdentityStorage {
  const storage: IdentityStorage = {
    transaction: (work) =>
      inTransaction
        ? work(storage)
        : sql.transaction(async (tx) => {
            await tx.query("SELECT n FROM identity_generation FOR UPDATE");
            return work(postgresIdentityStorage(tx, true));
          }),
    user: async (jid) => (await sql.query<UserRow>("SELECT jid, enrolled_at FROM users WHERE jid = $1", [jid]))[0],
    insertUser: async (jid, at) => void (await sql.query("INSERT INTO users (jid, enrolled_at) VALUES ($1, $2)", [jid, at])),
    deleteUser: async (jid) => void (await sql.query("DELETE FROM users WHERE jid = $1", [jid])),
    usersAfter: async (after, limit) =>
      (await sql.query<{ jid: string }>("SELECT jid FROM users WHERE jid COLLATE \"C\" > $1 ORDER BY jid COLLATE \"C\" LIMIT $2", [after, limit])).map((r) => r.jid),
    key: async (jid, keyId) => (await sql.query<KeyRow>("SELECT * FROM keys WHERE jid = $1 AND key_id = $2", [jid, keyId]))[0],
    keys: async (jid) => sql.query<KeyRow>("SELECT * FROM keys WHERE jid = $1 ORDER BY created_at, key_id COLLATE \"C\"", [jid]),
    insertKey: async (jid, keyId, label, nonce, sealed, at) =>
      void (await sql.query(
        "INSERT INTO keys (jid, key_id, label, secret_nonce, secret_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [jid, keyId, label, nonce, sealed, at],
      )),
    retireKey: async (at, jid, keyId) =>
      void (await sql.query(
        "UPDATE keys SET retired_at = $1 WHERE jid = $2 AND key_id = $3 AND retired_at IS NULL AND revoked_at IS NULL",
        [at, jid, keyId],
      )),
    revokeKey: async (at, jid, keyId) =>
      void (await sql.query("UPDATE keys SET revoked_at = $1 WHERE jid = $2 AND key_id = $3 AND revoked_at IS NULL", [at, jid, keyId])),
    revokeAll: async (at, jid) => void (await sql.query("UPDATE keys SET revoked_at = $1 WHERE jid = $2 AND revoked_at IS NULL", [at, jid])),
    addresses: async (jid) =>
      (await sql.query<AddressRow>("SELECT jid, address FROM addresses WHERE jid = $1 ORDER BY address COLLATE \"C\"", [jid])).map((r) => r.address),
    identitiesForAddress: async (address) =>
      (await sql.query<{ jid: string }>("SELECT jid FROM addresses WHERE address = $1 ORDER BY jid COLLATE \"C\" LIMIT 2", [address])).map((r) => r.jid),
    // A delete and an insert: in a transaction of their own when not in one already.
    setAddresses: (jid, addresses) =>
      inTransaction ? replaceAddresses(sql, jid, [...addresses]) : storage.transaction((tx) => tx.setAddresses(jid, addresses)),
    countUsers: async () => (await sql.query<{ n: number }>("SELECT count(*) AS n FROM users"))[0]!.n,
    countKeys: async () =>
      sql.query<{ state: string; n: number }>(
        `SELECT CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN retired_at IS NOT NULL THEN 'retired' ELSE 'active' END AS state,
                count(*) AS n FROM keys GROUP BY 1`,
      ),
  };
  return storage;
}
