/**
 * What the identity core needs from storage, as an interface so that the
 * core stays free of SQL (as progress-storage.ts is for progress). The
 * versions are `sqliteIdentityStorage` (key-store.ts) and
 * `postgresIdentityStorage` (pg-identity-storage.ts). Every method is async:
 * PostgreSQL answers over the network. Secrets pass through here only sealed.
 */
import type { KeyRow } from "../../schema/keys.js";
import type { UserRow } from "../../schema/users.js";

export interface IdentityStorage {
  /**
   * Runs `work` in one transaction that takes the write lock at once
   * (multi-step writes); `work` must use the storage it is handed, which is
   * bound to that transaction.
   */
  transaction<T>(work: (tx: IdentityStorage) => Promise<T>): Promise<T>;
  user(jid: string): Promise<UserRow | undefined>;
  insertUser(jid: string, enrolledAt: number): Promise<void>;
  /** Removes the user with its keys and addresses. */
  deleteUser(jid: string): Promise<void>;
  /** JIDs after `after` in JID order, `limit` of them. */
  usersAfter(after: string, limit: number): Promise<string[]>;
  key(jid: string, keyId: string): Promise<KeyRow | undefined>;
  /** The user's keys, oldest first. */
  keys(jid: string): Promise<KeyRow[]>;
  insertKey(jid: string, keyId: string, label: string, nonce: Buffer, sealed: Buffer, createdAt: number): Promise<void>;
  retireKey(at: number, jid: string, keyId: string): Promise<void>;
  revokeKey(at: number, jid: string, keyId: string): Promise<void>;
  revokeAll(at: number, jid: string): Promise<void>;
  /** The user's From addresses in order. */
  addresses(jid: string): Promise<string[]>;
  /** The identities (at most two: enough to see it is ambiguous) that may send as `address` (lower case). */
  identitiesForAddress(address: string): Promise<string[]>;
  /** Replaces the user's From addresses. */
  setAddresses(jid: string, addresses: Iterable<string>): Promise<void>;
  countUsers(): Promise<number>;
  countKeys(): Promise<{ state: string; n: number }[]>;
}
