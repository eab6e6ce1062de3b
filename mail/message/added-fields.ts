/**
 * The fields `xsmtp sendmail` adds to a message that lacks them, as sendmail
 * itself would: PROTOCOL.md requires Date and Message-ID to be signed, so
 * they must exist before signing (an attacker could add them later).
 * `xsmtp sign` adds nothing; it refuses such a message (signable.ts).
 *
 * References: RFC 5322 §3.3 (date-time), §3.6.1 (Date), §3.6.4 (Message-ID);
 * PROTOCOL.md §2 (h must include date and message-id).
 */
import { randomBytes } from "node:crypto";
import type { HeaderField } from "../../signature/index.js";
import { countFields } from "../sign/default-headers.js";

/** RFC 5322 date-time with a numeric zone ("GMT" is obsolete syntax, §4.3). */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, "+0000");
}

/** A unique msg-id: time and 96 random bits, at the sender's domain (atext only). */
export function newMessageId(ms: number, domain: string): string {
  return `<${ms.toString(36)}.${randomBytes(12).toString("base64url")}@${domain}>`;
}

/** Date and Message-ID when `fields` lack them, with a note for the user on each. */
export function missingFields(fields: HeaderField[], ms: number, domain: string): { fields: HeaderField[]; notes: string[] } {
  const out: { fields: HeaderField[]; notes: string[] } = { fields: [], notes: [] };
  if (countFields(fields, "date") === 0) {
    out.fields.push({ name: "Date", value: ` ${rfc5322Date(ms)}` });
    out.notes.push("added a Date field (the message had none)");
  }
  if (countFields(fields, "message-id") === 0) {
    out.fields.push({ name: "Message-ID", value: ` ${newMessageId(ms, domain)}` });
    out.notes.push("added a Message-ID field (the message had none)");
  }
  return out;
}
