/**
 * The fields a signer adds to a message that lacks them: the ones PROTOCOL.md
 * requires to be signed must exist, or an attacker could add them later.
 *
 * References: RFC 5322 §3.3 (date-time), §3.6.1 (Date), §3.6.4 (Message-ID);
 * PROTOCOL.md §2 (h must include date and message-id).
 */
import { randomBytes } from "node:crypto";

/** RFC 5322 date-time with a numeric zone ("GMT" is obsolete syntax, §4.3). */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, "+0000");
}

/** A unique msg-id: time and 96 random bits, at the sender's domain (atext only). */
export function newMessageId(ms: number, domain: string): string {
  return `<${ms.toString(36)}.${randomBytes(12).toString("base64url")}@${domain}>`;
}
