// References: RFC 6376 §3.2 (tag=value lists), RFC 5322 §3.2.2 (FWS).
//
// X-XMPP-Hash is a DKIM tag list, so it is parsed with DKIM's grammar. Two
// deliberate widenings: a bare LF counts as folding (header values that
// travelled through XML lose their CRs, PROTOCOL.md §3), and tag values may
// hold non-ASCII characters so that an internationalized JID fits in j=.

// FWS reduced to its characters: folding is only ever "ignored", never meaningful.
const WHITESPACE = /^[ \t\r\n]*$/;
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// VALCHAR is %x21-3A / %x3C-7E; tvals may be separated by white space.
// The split on ";" already removed %x3B, so only controls and DEL are refused.
const TAG_VALUE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/;

/**
 * Parses `tag=value; tag=value;` into a map (tag names are case-sensitive,
 * values trimmed of surrounding white space, inner white space kept).
 * Returns null for anything the grammar does not allow, including a
 * duplicated tag, which RFC 6376 §3.2 makes an error.
 */
export function parseTagList(value: string): Map<string, string> | null {
  const specs = value.split(";");
  // A single trailing ";" (optionally followed by white space) is allowed.
  if (specs.length > 1 && WHITESPACE.test(specs[specs.length - 1]!)) specs.pop();
  const tags = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq < 0) return null;
    const name = trimFws(spec.slice(0, eq));
    const tagValue = trimFws(spec.slice(eq + 1));
    if (!TAG_NAME.test(name) || !TAG_VALUE.test(tagValue)) return null;
    if (tags.has(name)) return null;
    tags.set(name, tagValue);
  }
  return tags;
}

/** Trims SP, HTAB, CR and LF, which is what FWS is made of. */
export function trimFws(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
}
