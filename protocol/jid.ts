/**
 * The little JID handling XSMTP needs: bare JIDs as strings, compared in
 * lower case (RFC 7622's localpart and domainpart are case-insensitive for
 * the ASCII addresses this service deals in).
 *
 * References: RFC 7622 §3; PROTOCOL.md §2 (j in A-label form).
 */
import { toALabel } from "./domains.js";

// RFC 7622 §3.3.1: characters a localpart may not hold, plus white space and controls.
const BAD_LOCAL = /[\x00-\x20\x7f"&'/:<>@]/;

export function bareJid(jid: string): string {
  const slash = jid.indexOf("/");
  return (slash === -1 ? jid : jid.slice(0, slash)).toLowerCase();
}

export function domainOf(jid: string): string {
  const bare = bareJid(jid);
  const at = bare.indexOf("@");
  return at === -1 ? bare : bare.slice(at + 1);
}

/** A bare JID with a localpart, e.g. `alice@example.org`, normalized; null if it is not one. */
export function parseUserJid(text: string): string | null {
  const jid = text.trim().toLowerCase();
  if (jid.length > 3071) return null;
  const match = /^([^@/\s"&'<>:]{1,1023})@([a-z0-9.-]{1,1023})$/.exec(jid);
  if (!match) return null;
  const domain = match[2]!;
  if (domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return null;
  return jid;
}

/**
 * j as the verifier compares it with an answer and prints it: lower case,
 * domain as an A-label. Null when j is not a bare JID whose domain is a DNS
 * name (§2), so the verifier refuses the signature itself.
 */
export function normalizeJid(jid: string): string | null {
  const at = jid.indexOf("@");
  if (at <= 0 || at > 1023 || jid.includes("/")) return null;
  const local = jid.slice(0, at).toLowerCase();
  if (BAD_LOCAL.test(local)) return null;
  const domain = toALabel(jid.slice(at + 1).toLowerCase());
  return domain ? `${local}@${domain}` : null;
}
