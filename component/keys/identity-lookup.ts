/**
 * What verification (and the mail gateway) read of identities, from memory:
 * signing keys with their secrets opened once, and each identity's From
 * addresses. Verification runs thousands of these reads a second, each a
 * query and an AES-GCM opening before; the cache makes them map hits.
 *
 * Invalidation, so that a revocation takes effect at once, on every
 * instance: every read first asks the store for its identity version
 * (SQLite: PRAGMA data_version and this process's own write count;
 * PostgreSQL: a counter its triggers move on every identity write, read
 * once for all the reads waiting at that moment). Changed: the whole cache
 * is dropped. Only found keys are cached, so a key added since is still
 * found. Bounded: least recently used entries go first.
 */
import type { IdentityStorage } from "./identity-storage.js";
import { openSecret } from "./sealed-secret.js";
import type { KeyLookupError, SigningKeyMaterial } from "./identity-types.js";

export interface IdentityLookup {
  signingKey(jid: string, keyId: string): Promise<SigningKeyMaterial | KeyLookupError>;
  isAuthorizedAddress(jid: string, address: string): Promise<boolean>;
}

/** What the cache reads: the identity storage and the store's version of it. */
export interface IdentitySource {
  identity: IdentityStorage;
  identityVersion(): Promise<string>;
}

export class CachedIdentityLookup implements IdentityLookup {
  private readonly keys = new Map<string, SigningKeyMaterial>();
  private readonly addresses = new Map<string, Set<string>>();
  private seen = "";

  constructor(
    private readonly source: IdentitySource,
    private readonly masterKey: Buffer,
    private readonly capacity = 10_000,
  ) {}

  async signingKey(jid: string, keyId: string): Promise<SigningKeyMaterial | KeyLookupError> {
    await this.revalidate();
    const id = `${jid}\0${keyId}`;
    const cached = touch(this.keys, id);
    if (cached) return cached;
    const version = this.seen;
    const { identity } = this.source;
    const row = await identity.key(jid, keyId);
    if (!row) return (await identity.user(jid)) ? "key-unknown" : "identity-unknown";
    const secret = openSecret(this.masterKey, jid, keyId, { nonce: row.secret_nonce, sealed: row.secret_sealed });
    const key = { secret, createdAt: row.created_at, retiredAt: row.retired_at, revokedAt: row.revoked_at };
    // A row read while the cache was dropped under us may be older than the drop: use it, keep it not.
    if (version === this.seen) this.put(this.keys, id, key);
    return key;
  }

  async isAuthorizedAddress(jid: string, address: string): Promise<boolean> {
    await this.revalidate();
    let set = touch(this.addresses, jid);
    if (!set) {
      const version = this.seen;
      set = new Set(await this.source.identity.addresses(jid));
      if (version === this.seen) this.put(this.addresses, jid, set);
    }
    return set.has(address);
  }

  /** Drops everything, zeroing the opened secrets (the service calls it when it stops). */
  clear(): void {
    for (const key of this.keys.values()) key.secret.fill(0);
    this.keys.clear();
    this.addresses.clear();
  }

  private async revalidate(): Promise<void> {
    const now = await this.source.identityVersion();
    if (now === this.seen) return;
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
