/**
 * What the identity core needs from storage, as an interface so that the
 * core stays free of SQL (as progress-storage.ts is for progress). The
 * SQLite version is `sqliteIdentityStorage` in key-store.ts. Secrets pass
 * through here only sealed.
 */
import type { KeyRow } from "../../schema/keys.js";
import type { UserRow } from "../../schema/users.js";

export interface IdentityStorage {
  /** Runs `work` in one transaction that takes the write lock at once (multi-step writes). */
  transaction<T>(work: () => T): T;
  user(jid: string): UserRow | undefined;
  insertUser(jid: string, enrolledAt: number): void;
  /** Removes the user with its keys and addresses. */
  deleteUser(jid: string): void;
  /** JIDs after `after` in JID order, `limit` of them. */
  usersAfter(after: string, limit: number): string[];
  key(jid: string, keyId: string): KeyRow | undefined;
  /** The user's keys, oldest first. */
  keys(jid: string): KeyRow[];
  insertKey(jid: string, keyId: string, label: string, nonce: Buffer, sealed: Buffer, createdAt: number): void;
  retireKey(at: number, jid: string, keyId: string): void;
  revokeKey(at: number, jid: string, keyId: string): void;
  revokeAll(at: number, jid: string): void;
  /** The user's From addresses in order. */
  addresses(jid: string): string[];
  /** Replaces the user's From addresses. */
  setAddresses(jid: string, addresses: Iterable<string>): void;
  countUsers(): number;
  countKeys(): { state: string; n: number }[];
}
