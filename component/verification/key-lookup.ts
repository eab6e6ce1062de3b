/**
 * Finds a signing key for verification: its state from the database on every
 * call (a revocation by the CLI in another process takes effect at once), its
 * opened secret from a bounded in-memory cache (a key's secret never changes,
 * and opening costs an AES-GCM decryption per verification otherwise).
 */
import { findKey, findUser } from "../keys/key-store.js";
import { openSecret } from "../keys/sealed-secret.js";
import type { Db } from "../store/database.js";
import type { KeyLookupError, SigningKey } from "./verify-core.js";

export type { KeyLookupError, SigningKey } from "./verify-core.js";

export class KeyLookup {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
    private readonly capacity = 10_000,
  ) {}

  find(jid: string, keyId: string): SigningKey | KeyLookupError {
    const row = findKey(this.db, jid, keyId);
    if (!row) return findUser(this.db, jid) ? "key-unknown" : "identity-unknown";
    const cacheKey = `${jid}\0${keyId}\0${row.created_at}`;
    let secret = this.cache.get(cacheKey);
    if (secret) {
      // Refresh its place: Map keeps insertion order, so the first entry is the least recently used.
      this.cache.delete(cacheKey);
    } else {
      secret = openSecret(this.masterKey, jid, keyId, { nonce: row.secret_nonce, sealed: row.secret_sealed });
      if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(cacheKey, secret);
    return { secret, createdAt: row.created_at, retiredAt: row.retired_at, revokedAt: row.revoked_at };
  }

  clear(): void {
    for (const secret of this.cache.values()) secret.fill(0);
    this.cache.clear();
  }
}
