/**
 * What verification (and the mail gateway) read of identities, from memory:
 * signing keys with their secrets opened once, and each identity's From
 * addresses. Verification runs thousands of these reads a second, each a
 * SQLite query and an AES-GCM opening before; the cache makes them map hits.
 *
 * Invalidation, so that a revocation takes effect at once: every read first
 * compares PRAGMA data_version (it changes when another connection, such as
 * `xsmtp user` in another process, commits) and this process's own identity
 * write count (key-store.ts bumps it; data_version does not see our own
 * commits). Either changed: the whole cache is dropped. Only found keys are
 * cached, so a key added since is still found. Bounded: least recently used
 * entries go first.
 */
import type { Db } from "../store/database.js";
import { findKey, findUser, identityWrites, listAddresses } from "./key-store.js";
import { openSecret } from "./sealed-secret.js";
import type { KeyLookupError, SigningKeyMaterial } from "./identity-types.js";

export interface IdentityLookup {
  signingKey(jid: string, keyId: string): SigningKeyMaterial | KeyLookupError;
  isAuthorizedAddress(jid: string, address: string): boolean;
}

export class CachedIdentityLookup implements IdentityLookup {
  private readonly keys = new Map<string, SigningKeyMaterial>();
  private readonly addresses = new Map<string, Set<string>>();
  private readonly dataVersion;
  private seen = { data: -1, ours: -1 };

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
    private readonly capacity = 10_000,
  ) {
    this.dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  }

  signingKey(jid: string, keyId: string): SigningKeyMaterial | KeyLookupError {
    this.revalidate();
    const id = `${jid}\0${keyId}`;
    const cached = touch(this.keys, id);
    if (cached) return cached;
    const row = findKey(this.db, jid, keyId);
    if (!row) return findUser(this.db, jid) ? "key-unknown" : "identity-unknown";
    const secret = openSecret(this.masterKey, jid, keyId, { nonce: row.secret_nonce, sealed: row.secret_sealed });
    const key = { secret, createdAt: row.created_at, retiredAt: row.retired_at, revokedAt: row.revoked_at };
    this.put(this.keys, id, key);
    return key;
  }

  isAuthorizedAddress(jid: string, address: string): boolean {
    this.revalidate();
    let set = touch(this.addresses, jid);
    if (!set) this.put(this.addresses, jid, (set = new Set(listAddresses(this.db, jid))));
    return set.has(address);
  }

  /** Drops everything, zeroing the opened secrets (the service calls it when it stops). */
  clear(): void {
    for (const key of this.keys.values()) key.secret.fill(0);
    this.keys.clear();
    this.addresses.clear();
  }

  private revalidate(): void {
    const now = { data: this.dataVersion.get()!, ours: identityWrites(this.db) };
    if (now.data === this.seen.data && now.ours === this.seen.ours) return;
    // Not zeroed here: a caller may still hold a key it was handed.
    this.keys.clear();
    this.addresses.clear();
    this.seen = now;
  }

  private put<V>(map: Map<string, V>, id: string, value: V): void {
    // Map keeps insertion order, so the first entry is the least recently used.
    if (map.size >= this.capacity) map.delete(map.keys().next().value!);
    map.set(id, value);
  }
}

/** A hit moves to the back of the map's order (most recently used). */
function touch<V>(map: Map<string, V>, id: string): V | undefined {
  const value = map.get(id);
  if (value !== undefined) {
    map.delete(id);
    map.set(id, value);
  }
  return value;
}
