/**
 * What the identity operations answer in: their error words and the plain
 * data they return (never a secret except in IssuedKey, once).
 */
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

/** A signing key as verification needs it: its opened secret and its dates (ms). */
export interface SigningKeyMaterial {
  secret: Buffer;
  createdAt: number;
  retiredAt: number | null;
  revokedAt: number | null;
}

export type KeyLookupError = "identity-unknown" | "key-unknown";
