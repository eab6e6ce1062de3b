/**
 * The operations on identities and keys, shared by the `xsmtp user` CLI and
 * the ad-hoc commands (one implementation, two front ends). No XML, no
 * argv: each takes plain values and returns a result or a domain error word.
 * Multi-step writes run in one transaction. The only place a plaintext
 * secret leaves this module is the result of the operation that created it.
 */
import { randomBytes } from "node:crypto";
import { encodeSecret, generateSecret } from "../../signature/secret.js";
import type { Clock } from "../service-context.js";
import type { Db } from "../store/database.js";
import { parseUserJid, domainOf } from "../../protocol/jid.js";
import { findKey, findUser, keyStatements, listAddresses, listKeys, usersAfter } from "./key-store.js";
import { sealSecret } from "./sealed-secret.js";

export type IdentityError =
  | "invalid-jid"
  | "outside-user-domains"
  | "already-enrolled"
  | "not-enrolled"
  | "key-unknown"
  | "key-revoked"
  | "invalid-address"
  | "invalid-label";

export interface IssuedKey {
  jid: string;
  keyId: string;
  /** Unpadded base64url; hand it to its owner once, never log it. */
  secret: string;
}

export type KeyState = "active" | "retired" | "revoked";

export interface KeyInfo {
  keyId: string;
  label: string;
  state: KeyState;
  createdAt: number;
  retiredAt: number | null;
  revokedAt: number | null;
}

export interface UserInfo {
  jid: string;
  enrolledAt: number;
  addresses: string[];
  keys: KeyInfo[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: IdentityError };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(error: IdentityError): Outcome<T> => ({ ok: false, error });

export interface IdentityDeps {
  db: Db;
  clock: Clock;
  masterKey: Buffer;
  userDomains: string[];
}

const MAX_LABEL = 100;

export class IdentityCore {
  constructor(private readonly deps: IdentityDeps) {}

  /** Normalizes a JID and checks it is one this service may speak for. */
  checkJid(text: string): Outcome<string> {
    const jid = parseUserJid(text);
    if (!jid) return fail("invalid-jid");
    if (!this.deps.userDomains.includes(domainOf(jid))) return fail("outside-user-domains");
    return ok(jid);
  }

  enroll(jidText: string, label = ""): Outcome<IssuedKey> {
    return this.withJid(jidText, (jid) => {
      if (!validLabel(label)) return fail("invalid-label");
      const { db, clock } = this.deps;
      return db.transaction(() => {
        if (findUser(db, jid)) return fail<IssuedKey>("already-enrolled");
        const s = keyStatements(db);
        s.insertUser.run(jid, clock.now());
        s.insertAddress.run(jid, jid);
        return ok(this.issueKey(jid, label));
      }).immediate();
    });
  }

  addKey(jidText: string, label = ""): Outcome<IssuedKey> {
    return this.withEnrolled(jidText, (jid) => {
      if (!validLabel(label)) return fail("invalid-label");
      return ok(this.issueKey(jid, label));
    });
  }

  /** A new key with the old one's label; the old key is retired now (old mail still verifies). */
  rotateKey(jidText: string, keyId: string): Outcome<IssuedKey> {
    return this.withEnrolled(jidText, (jid) => {
      const old = findKey(this.deps.db, jid, keyId);
      if (!old) return fail("key-unknown");
      if (old.revoked_at !== null) return fail("key-revoked");
      const issued = this.issueKey(jid, old.label);
      keyStatements(this.deps.db).retireKey.run(this.deps.clock.now(), jid, keyId);
      return ok(issued);
    });
  }

  /** Revokes one key, or every key with "all"; revoking a revoked key changes nothing. */
  revokeKey(jidText: string, keyId: string): Outcome<{ revoked: string[] }> {
    return this.withEnrolled(jidText, (jid) => {
      const { db, clock } = this.deps;
      const s = keyStatements(db);
      if (keyId === "all") {
        const revoked = listKeys(db, jid).filter((k) => k.revoked_at === null).map((k) => k.key_id);
        s.revokeAll.run(clock.now(), jid);
        return ok({ revoked });
      }
      const key = findKey(db, jid, keyId);
      if (!key) return fail("key-unknown");
      s.revokeKey.run(clock.now(), jid, keyId);
      return ok({ revoked: key.revoked_at === null ? [keyId] : [] });
    });
  }

  /** Replaces the extra From addresses; the JID's own address always stays. */
  setAddresses(jidText: string, addresses: string[]): Outcome<{ addresses: string[] }> {
    return this.withEnrolled(jidText, (jid) => {
      const normalized = addresses.map((a) => a.trim().toLowerCase()).filter(Boolean);
      if (!normalized.every(isAddrSpec)) return fail("invalid-address");
      const s = keyStatements(this.deps.db);
      s.deleteAddresses.run(jid);
      for (const address of new Set([jid, ...normalized])) s.insertAddress.run(jid, address);
      return ok({ addresses: listAddresses(this.deps.db, jid) });
    });
  }

  info(jidText: string): Outcome<UserInfo> {
    return this.withEnrolled(jidText, (jid) => {
      const { db } = this.deps;
      const user = findUser(db, jid)!;
      return ok({
        jid,
        enrolledAt: user.enrolled_at,
        addresses: listAddresses(db, jid),
        keys: listKeys(db, jid).map((k) => ({
          keyId: k.key_id,
          label: k.label,
          state: k.revoked_at !== null ? "revoked" : k.retired_at !== null ? "retired" : "active",
          createdAt: k.created_at,
          retiredAt: k.retired_at,
          revokedAt: k.revoked_at,
        })),
      });
    });
  }

  unenroll(jidText: string): Outcome<{ jid: string }> {
    return this.withEnrolled(jidText, (jid) => {
      keyStatements(this.deps.db).deleteUser.run(jid);
      return ok({ jid });
    });
  }

  /** Whether the bare JID is enrolled here (progress: only an enrolled owner creates nodes). */
  isEnrolled(jid: string): boolean {
    return findUser(this.deps.db, jid) !== undefined;
  }

  /** Users in JID order after `after`, `limit` at a time, for paging. */
  listUsers(after = "", limit = 50): string[] {
    return usersAfter(this.deps.db, after, limit);
  }

  counts(): { users: number; keys: Record<KeyState, number> } {
    const s = keyStatements(this.deps.db);
    const keys: Record<KeyState, number> = { active: 0, retired: 0, revoked: 0 };
    for (const row of s.countKeys.all()) keys[row.state as KeyState] = row.n;
    return { users: s.countUsers.get()!.n, keys };
  }

  private issueKey(jid: string, label: string): IssuedKey {
    const { db, clock, masterKey } = this.deps;
    const keyId = newKeyId(label);
    const secret = generateSecret();
    const { nonce, sealed } = sealSecret(masterKey, jid, keyId, secret);
    keyStatements(db).insertKey.run(jid, keyId, label, nonce, sealed, clock.now());
    const issued = { jid, keyId, secret: encodeSecret(secret) };
    secret.fill(0);
    return issued;
  }

  private withJid<T>(jidText: string, action: (jid: string) => Outcome<T>): Outcome<T> {
    const checked = this.checkJid(jidText);
    return checked.ok ? action(checked.value) : fail(checked.error);
  }

  private withEnrolled<T>(jidText: string, action: (jid: string) => Outcome<T>): Outcome<T> {
    return this.withJid(jidText, (jid) =>
      this.deps.db.transaction(() => (findUser(this.deps.db, jid) ? action(jid) : fail<T>("not-enrolled"))).immediate(),
    );
  }
}

/** Key ids read like their label (`laptop-3f9a2c`) and are never reused. */
function newKeyId(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${slug || "key"}-${randomBytes(3).toString("hex")}`;
}

function validLabel(label: string): boolean {
  return label.length <= MAX_LABEL && !/[\u0000-\u001f\u007f]/.test(label);
}

/** A plain addr-spec (local@domain) without display name or comments. */
export function isAddrSpec(address: string): boolean {
  return /^[^\s@<>()",;:\\[\]]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address) && address.length <= 254;
}
