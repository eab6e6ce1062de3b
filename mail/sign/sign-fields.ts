/**
 * Folding of the X-XMPP-Hash value for output; the signing is the core's.
 *
 * References: PROTOCOL.md §3 steps 3–5; RFC 5322 §2.1.1, §2.2.3.
 */
// Signing itself is the signature core's (signFields); this file adds what mail output needs.
export { refuseOversizedHashField, SignatureOptionError, signFields, type FieldSignOptions } from "../../signature/index.js";
export { MAX_HASH_FIELD_OCTETS, MAX_SIGNED_NAMES } from "../../signature/index.js";

/**
 * Folds a tag list at "; " boundaries so lines stay near 78 characters
 * (RFC 5322 §2.1.1). Relaxed canonicalization turns "; " + line end + " "
 * back into "; ", so the fold changes nothing that is signed. A tag is never
 * folded inside: a fold after a ":" of h= would add a space to its value.
 */
export function foldTagList(value: string, lineEnding: string, firstLineUsed = "X-XMPP-Hash: ".length): string {
  const tags = value.split("; ");
  let out = tags[0]!;
  let width = firstLineUsed + out.length;
  for (const tag of tags.slice(1)) {
    if (width + 2 + tag.length > 78) {
      out += `;${lineEnding} ${tag}`;
      width = 1 + tag.length;
    } else {
      out += `; ${tag}`;
      width += 2 + tag.length;
    }
  }
  return out;
}
