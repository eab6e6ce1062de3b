/**
 * The little JID handling XSMTP needs: bare JIDs as strings, compared in
 * lower case (RFC 7622's localpart and domainpart are case-insensitive for
 * the ASCII addresses this service deals in).
 *
 * References: RFC 7622 §3.
 */

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
