/**
 * Seals and opens user secrets with AES-256-GCM under the master key. The
 * associated data binds each ciphertext to its row (JID and key id), so a
 * sealed secret copied onto another user's row does not open.
 *
 * References: NIST SP 800-38D (GCM; 96-bit random nonces).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface Sealed {
  nonce: Buffer;
  /** Ciphertext followed by the 16-byte tag. */
  sealed: Buffer;
}

const associatedData = (jid: string, keyId: string) => Buffer.from(`xsmtp-key\0${jid}\0${keyId}`, "utf8");

export function sealSecret(masterKey: Buffer, jid: string, keyId: string, secret: Buffer): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, nonce);
  cipher.setAAD(associatedData(jid, keyId));
  const sealed = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  return { nonce, sealed };
}

/** Opens a sealed secret; throws when the master key is wrong or the row was tampered with. */
export function openSecret(masterKey: Buffer, jid: string, keyId: string, { nonce, sealed }: Sealed): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", masterKey, nonce);
  decipher.setAAD(associatedData(jid, keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}
