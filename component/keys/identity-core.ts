/**
 * The operations on identities and keys, shared by the `xsmtp user` CLI and
 * the ad-hoc commands (one implementation, two front ends). No XML, no
 * argv, no SQL (storage is injected): each takes plain values and returns a
 * result or a domain error word. Multi-step writes run in one transaction. The only place a plaintext
 * secret leaves this module is the result of the operation that created it.
 */
import { encodeSecret, generateSecret } from "../../signature/secret.js";
import type { Clock } from "../clock.js";
import { parseUserJid, domainOf } from "../../protocol/jid.js";
import type { IdentityStorage } from "./identity-storage.js";
import type { IdentityError, IssuedKey, KeyState, UserInfo } from "./identity-types.js";
import { isAddrSpec, newKeyId, validLabel } from "./identity-values.js";
import { sealSecret } from "./sealed-secret.js";

export { isAddrSpec } from "./identity-values.js";

export type { IdentityError, IssuedKey, KeyInfo, KeyState, UserInfo } from "./identity-types.js";

export interface IdentityDeps {
  storage: IdentityStorage;
  clock: Clock;
  masterKey: Buffer;
  userDomains: string[];
}

export class IdentityCore {
  constructor(private readonly deps: IdentityDeps) {}

  /** Normalizes a JID and checks it is one this service may speak for. */
  checkJid(text: string): { jid: string } | IdentityError {
    const jid = parseUserJid(text);
    if (!jid) return "invalid-jid";
    if (!this.deps.userDomains.includes(domainOf(jid))) return "outside-user-domains";
    return { jid };
  }

  enroll(jidText: string, label = ""): IssuedKey | IdentityError {
    return this.withJid(jidText, (jid) => {
      if (!validLabel(label)) return "invalid-label";
      const { storage, clock } = this.deps;
      return storage.transaction(() => {
        if (storage.user(jid)) return "already-enrolled";
        storage.insertUser(jid, clock.now());
        storage.setAddresses(jid, [jid]);
        return this.issueKey(jid, label);
      });
    });
  }

  addKey(jidText: string, label = ""): IssuedKey | IdentityError {
    return this.withEnrolled(jidText, (jid) => (validLabel(label) ? this.issueKey(jid, label) : "invalid-label"));
  }

  /** A new key with the old one's label; the old key is retired now (old mail still verifies). */
  rotateKey(jidText: string, keyId: string): IssuedKey | IdentityError {
    return this.withEnrolled(jidText, (jid) => {
      const old = this.deps.storage.key(jid, keyId);
      if (!old) return "key-unknown";
      if (old.revoked_at !== null) return "key-revoked";
      const issued = this.issueKey(jid, old.label);
      this.deps.storage.retireKey(this.deps.clock.now(), jid, keyId);
      return issued;
    });
  }

  /** Revokes one key, or every key with "all"; revoking a revoked key changes nothing. */
  revokeKey(jidText: string, keyId: string): { revoked: string[] } | IdentityError {
    return this.withEnrolled(jidText, (jid) => {
      const { storage, clock } = this.deps;
      if (keyId === "all") {
        const revoked = storage.keys(jid).filter((k) => k.revoked_at === null).map((k) => k.key_id);
        storage.revokeAll(clock.now(), jid);
        return { revoked };
      }
      const key = storage.key(jid, keyId);
      if (!key) return "key-unknown";
      storage.revokeKey(clock.now(), jid, keyId);
      return { revoked: key.revoked_at === null ? [keyId] : [] };
    });
  }

  /** Replaces the extra From addresses; the JID's own address always stays. */
  setAddresses(jidText: string, addresses: string[]): { addresses: string[] } | IdentityError {
    return this.withEnrolled(jidText, (jid) => {
      const normalized = addresses.map((a) => a.trim().toLowerCase()).filter(Boolean);
      if (!normalized.every(isAddrSpec)) return "invalid-address";
      this.deps.storage.setAddresses(jid, new Set([jid, ...normalized]));
      return { addresses: this.deps.storage.addresses(jid) };
    });
  }

  info(jidText: string): UserInfo | IdentityError {
    return this.withEnrolled(jidText, (jid) => {
      const { storage } = this.deps;
      return {
        jid,
        enrolledAt: storage.user(jid)!.enrolled_at,
        addresses: storage.addresses(jid),
        keys: storage.keys(jid).map((k) => ({
          keyId: k.key_id,
          label: k.label,
          state: k.revoked_at !== null ? "revoked" : k.retired_at !== null ? "retired" : "active",
          createdAt: k.created_at,
          retiredAt: k.retired_at,
          revokedAt: k.revoked_at,
        })),
      };
    });
  }

  unenroll(jidText: string): { jid: string } | IdentityError {
    return this.withEnrolled(jidText, (jid) => {
      this.deps.storage.deleteUser(jid);
      return { jid };
    });
  }

  /** Whether the bare JID is enrolled here (progress: only an enrolled owner creates nodes). */
  isEnrolled(jid: string): boolean {
    return this.deps.storage.user(jid) !== undefined;
  }

  /** Users in JID order after `after`, `limit` at a time, for paging. */
  listUsers(after = "", limit = 50): string[] {
    return this.deps.storage.usersAfter(after, limit);
  }

  counts(): { users: number; keys: Record<KeyState, number> } {
    const { storage } = this.deps;
    const keys: Record<KeyState, number> = { active: 0, retired: 0, revoked: 0 };
    for (const row of storage.countKeys()) keys[row.state as KeyState] = row.n;
    return { users: storage.countUsers(), keys };
  }

  private issueKey(jid: string, label: string): IssuedKey {
    const { storage, clock, masterKey } = this.deps;
    const keyId = newKeyId(label);
    const secret = generateSecret();
    const { nonce, sealed } = sealSecret(masterKey, jid, keyId, secret);
    storage.insertKey(jid, keyId, label, nonce, sealed, clock.now());
    const issued = { jid, keyId, secret: encodeSecret(secret) };
    secret.fill(0);
    return issued;
  }

  private withJid<T>(jidText: string, action: (jid: string) => T | IdentityError): T | IdentityError {
    const checked = this.checkJid(jidText);
    return typeof checked === "string" ? checked : action(checked.jid);
  }

  private withEnrolled<T>(jidText: string, action: (jid: string) => T | IdentityError): T | IdentityError {
    const { storage } = this.deps;
    return this.withJid(jidText, (jid) => storage.transaction(() => (storage.user(jid) ? action(jid) : "not-enrolled")));
  }
}
