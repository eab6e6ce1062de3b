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

  enroll(jidText: string, label = ""): Promise<IssuedKey | IdentityError> {
    return this.withJid(jidText, async (jid) => {
      if (!validLabel(label)) return "invalid-label";
      const { clock } = this.deps;
      return this.deps.storage.transaction(async (tx) => {
        if (await tx.user(jid)) return "already-enrolled";
        await tx.insertUser(jid, clock.now());
        await tx.setAddresses(jid, [jid]);
        return this.issueKey(tx, jid, label);
      });
    });
  }

  addKey(jidText: string, label = ""): Promise<IssuedKey | IdentityError> {
    return this.withEnrolled(jidText, async (tx, jid) => (validLabel(label) ? this.issueKey(tx, jid, label) : "invalid-label"));
  }

  /** A new key with the old one's label; the old key is retired now (old mail still verifies). */
  rotateKey(jidText: string, keyId: string): Promise<IssuedKey | IdentityError> {
    return this.withEnrolled(jidText, async (tx, jid) => {
      const old = await tx.key(jid, keyId);
      if (!old) return "key-unknown";
      if (old.revoked_at !== null) return "key-revoked";
      const issued = await this.issueKey(tx, jid, old.label);
      await tx.retireKey(this.deps.clock.now(), jid, keyId);
      return issued;
    });
  }

  /** Revokes one key, or every key with "all"; revoking a revoked key changes nothing. */
  revokeKey(jidText: string, keyId: string): Promise<{ revoked: string[] } | IdentityError> {
    return this.withEnrolled(jidText, async (tx, jid) => {
      const { clock } = this.deps;
      if (keyId === "all") {
        const revoked = (await tx.keys(jid)).filter((k) => k.revoked_at === null).map((k) => k.key_id);
        await tx.revokeAll(clock.now(), jid);
        return { revoked };
      }
      const key = await tx.key(jid, keyId);
      if (!key) return "key-unknown";
      await tx.revokeKey(clock.now(), jid, keyId);
      return { revoked: key.revoked_at === null ? [keyId] : [] };
    });
  }

  /** Replaces the extra From addresses; the JID's own address always stays. */
  setAddresses(jidText: string, addresses: string[]): Promise<{ addresses: string[] } | IdentityError> {
    return this.withEnrolled(jidText, async (tx, jid) => {
      const normalized = addresses.map((a) => a.trim().toLowerCase()).filter(Boolean);
      if (!normalized.every(isAddrSpec)) return "invalid-address";
      await tx.setAddresses(jid, new Set([jid, ...normalized]));
      return { addresses: await tx.addresses(jid) };
    });
  }

  info(jidText: string): Promise<UserInfo | IdentityError> {
    return this.withJid(jidText, async (jid) => {
      // Reads only: no transaction, so an info is never queued behind writers.
      const { storage } = this.deps;
      const user = await storage.user(jid);
      if (!user) return "not-enrolled";
      const [addresses, keys] = await Promise.all([storage.addresses(jid), storage.keys(jid)]);
      return {
        jid,
        enrolledAt: user.enrolled_at,
        addresses,
        keys: keys.map((k) => ({
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

  unenroll(jidText: string): Promise<{ jid: string } | IdentityError> {
    return this.withEnrolled(jidText, async (tx, jid) => {
      await tx.deleteUser(jid);
      return { jid };
    });
  }

  /** Whether the bare JID is enrolled here (progress: only an enrolled owner creates nodes). */
  async isEnrolled(jid: string): Promise<boolean> {
    return (await this.deps.storage.user(jid)) !== undefined;
  }

  /** Users in JID order after `after`, `limit` at a time, for paging. */
  listUsers(after = "", limit = 50): Promise<string[]> {
    return this.deps.storage.usersAfter(after, limit);
  }

  async counts(): Promise<{ users: number; keys: Record<KeyState, number> }> {
    const { storage } = this.deps;
    const keys: Record<KeyState, number> = { active: 0, retired: 0, revoked: 0 };
    const [users, byState] = await Promise.all([storage.countUsers(), storage.countKeys()]);
    for (const row of byState) keys[row.state as KeyState] = Number(row.n);
    return { users, keys };
  }

  private async issueKey(tx: IdentityStorage, jid: string, label: string): Promise<IssuedKey> {
    const { clock, masterKey } = this.deps;
    const keyId = newKeyId(label);
    const secret = generateSecret();
    const { nonce, sealed } = sealSecret(masterKey, jid, keyId, secret);
    await tx.insertKey(jid, keyId, label, nonce, sealed, clock.now());
    const issued = { jid, keyId, secret: encodeSecret(secret) };
    secret.fill(0);
    return issued;
  }

  private async withJid<T>(jidText: string, action: (jid: string) => Promise<T | IdentityError>): Promise<T | IdentityError> {
    const checked = this.checkJid(jidText);
    return typeof checked === "string" ? checked : action(checked.jid);
  }

  /** Runs `action` in one transaction in which the user is enrolled. */
  private withEnrolled<T>(jidText: string, action: (tx: IdentityStorage, jid: string) => Promise<T | IdentityError>): Promise<T | IdentityError> {
    return this.withJid(jidText, (jid) =>
      this.deps.storage.transaction(async (tx) => ((await tx.user(jid)) ? action(tx, jid) : "not-enrolled")),
    );
  }
}
