/**
 * Signs header fields whose body hash is already known: the streaming
 * counterpart of the core's signMessage, which needs the whole message in
 * memory. It uses the same core pieces in the same order (format with empty
 * b=, self-check by parsing, select, signing input, MAC).
 *
 * References: PROTOCOL.md §3 steps 3–5; RFC 6376 §3.7, §5.
 */
import {
  computeMac,
  formatHashHeader,
  parseHashHeader,
  selectHeaders,
  signingInput,
  type HashHeaderFields,
  type HeaderField,
} from "../signature/index.js";

export interface FieldSignOptions {
  /** The header fields as they will be sent, top to bottom, added ones included. */
  fields: HeaderField[];
  bodyHash: string;
  jid: string;
  keyId: string;
  secret: Buffer;
  headerNames: string[];
  signedAt: number;
  expiresAt?: number;
  service?: string;
  ip?: string;
}

export class SignatureOptionError extends Error {}

/** The complete X-XMPP-Hash value (unfolded). */
export function signFields(options: FieldSignOptions): string {
  const tags: HashHeaderFields = {
    jid: options.jid,
    keyId: options.keyId,
    signedAt: options.signedAt,
    expiresAt: options.expiresAt,
    service: options.service,
    ip: options.ip,
    headerNames: options.headerNames.map((name) => name.toLowerCase()),
    bodyHash: options.bodyHash,
  };
  // A signature no verifier would accept is refused here, with the reason a verifier would give.
  const check = parseHashHeader(formatHashHeader({ ...tags, mac: "AAAA" }));
  if (!check.ok) throw new SignatureOptionError(`the signature would be rejected as ${check.reason}`);
  const unsigned = formatHashHeader(tags);
  const input = signingInput(selectHeaders(tags.headerNames, options.fields), unsigned);
  return formatHashHeader({ ...tags, mac: computeMac(options.secret, input) });
}

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
