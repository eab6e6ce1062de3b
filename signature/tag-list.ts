// References: RFC 6376 §3.2 (tag=value lists), RFC 5322 §3.2.2 (FWS),
// PROTOCOL.md §2 (tag list) and §3.2 (linear-time parsing).
//
// X-XMPP-Hash is a DKIM tag list, so it is parsed with DKIM's grammar. Two
// deliberate widenings: a bare LF counts as folding (header values that
// travelled through XML lose their CRs, PROTOCOL.md §3), and tag values may
// hold non-ASCII characters so that an internationalized JID fits in j=.
// White space is handled by the scanners of fws.ts, never by a regular
// expression that could rescan a long run (§3.2).
import { isAllFws, trimFws } from "./fws.js";

export { trimFws } from "./fws.js";

// One class, anchored at both ends: a single pass, no backtracking.
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * VALCHAR is %x21-3A / %x3C-7E; tvals may be separated by white space. The
 * split on ";" already removed %x3B, so only controls (other than the FWS
 * characters HTAB, CR, LF) and DEL are refused.
 */
function isTagValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false;
  }
  return true;
}

/**
 * Parses `tag=value; tag=value;` into a map (tag names are case-sensitive,
 * values trimmed of surrounding white space, inner white space kept).
 * Returns null for anything the grammar does not allow, including a
 * duplicated tag, which RFC 6376 §3.2 makes an error.
 */
export function parseTagList(value: string): Map<string, string> | null {
  const specs = value.split(";");
  // A single trailing ";" (optionally followed by white space) is allowed.
  if (specs.length > 1 && isAllFws(specs[specs.length - 1]!)) specs.pop();
  const tags = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq < 0) return null;
    const name = trimFws(spec.slice(0, eq));
    const tagValue = trimFws(spec.slice(eq + 1));
    if (!TAG_NAME.test(name) || !isTagValue(tagValue)) return null;
    if (tags.has(name)) return null;
    tags.set(name, tagValue);
  }
  return tags;
}
