// References: RFC 6376 §5 (signer actions), §3.2 (tag values); PROTOCOL.md §2, §3, §3.2 and §9.
import { createBodyHasher } from "./body-hasher.js";
import { formatHashHeader, type HashHeaderFields } from "./format-hash-header.js";
import { MAX_HASH_FIELD_OCTETS, MAX_SIGNED_NAMES, parseHashHeader, REQUIRED_HEADERS } from "./hash-header.js";
import { computeMac } from "./mac.js";
import { splitMessage } from "./message.js";
import { selectHeaders, type HeaderField } from "./select-headers.js";
import { signingInput } from "./signing-input.js";

export const IDENTITY_FIELD_NAME = "X-XMPP-Identity";

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

export interface SignOptions extends Omit<FieldSignOptions, "fields" | "bodyHash"> {
  message: Buffer;
}

/** Options that would make a signature no verifier accepts (a signer bug, better found here). */
export class SignatureOptionError extends Error {}

/**
 * The complete X-XMPP-Hash value (unfolded) for header fields whose body hash
 * is already known; the streaming signer calls this after hashing the body.
 */
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
  refuseUnwritable(tags);
  // Refused with the reason a verifier would give.
  const check = parseHashHeader(formatHashHeader({ ...tags, mac: "AAAA" }));
  if (typeof check === "string") throw new SignatureOptionError(`signMessage: the signature would be rejected as ${check}`);
  const input = signingInput(selectHeaders(tags.headerNames, options.fields), formatHashHeader(tags));
  return formatHashHeader({ ...tags, mac: computeMac(options.secret, input) });
}

/**
 * Refuses, naming the option, what the verifier's parse might not catch or
 * would report only as a bare reason: a CR, LF or ";" in a tag value ends the
 * field or the tag and lets the value inject others (PROTOCOL.md §2), and an
 * h= without the required names.
 */
function refuseUnwritable(tags: HashHeaderFields): void {
  const values: [string, string | undefined][] = [
    ["jid (j=)", tags.jid],
    ["keyId (k=)", tags.keyId],
    ["service (s=)", tags.service],
    ["ip (ip=)", tags.ip],
    ...tags.headerNames.map((name): [string, string] => ["headerNames (h=)", name]),
  ];
  for (const [option, value] of values) {
    if (value !== undefined && /[\r\n;]/.test(value)) throw new SignatureOptionError(`${option}: a tag value must not hold CR, LF or ";" (PROTOCOL.md §2)`);
  }
  if (tags.headerNames.length > MAX_SIGNED_NAMES) {
    throw new SignatureOptionError(`headerNames (h=): ${tags.headerNames.length} names, more than the ${MAX_SIGNED_NAMES} a verifier accepts (PROTOCOL.md §3.2)`);
  }
  // b= is always 44 base64 characters: measure with one of that length.
  refuseOversizedHashField(formatHashHeader({ ...tags, mac: "A".repeat(43) + "=" }));
  const missing = REQUIRED_HEADERS.filter((name) => !tags.headerNames.includes(name));
  if (missing.length) {
    throw new SignatureOptionError(`headerNames (h=) must name ${REQUIRED_HEADERS.join(", ")}; missing: ${missing.join(", ")} (a verifier would answer missing-header)`);
  }
}

/** Refuses an X-XMPP-Hash value (or whole folded field) a verifier would call malformed for its size (PROTOCOL.md §3.2). */
export function refuseOversizedHashField(text: string): void {
  if (Buffer.byteLength(text) > MAX_HASH_FIELD_OCTETS) {
    throw new SignatureOptionError(
      `the X-XMPP-Hash field would exceed the ${MAX_HASH_FIELD_OCTETS} octets a verifier accepts (PROTOCOL.md §3.2); sign fewer or shorter header names`,
    );
  }
}

/**
 * Signs a whole message in memory as if `X-XMPP-Identity: <jid>` had been
 * added at its top, which is what the caller must then do, followed by
 * `X-XMPP-Hash: <value>`. Throws SignatureOptionError when the options would
 * make a signature no verifier accepts.
 */
export function signMessage(options: SignOptions): { value: string } {
  const { message, ...rest } = options;
  const { fields, bodyOffset } = splitMessage(message);
  const hasher = createBodyHasher();
  hasher.update(message.subarray(bodyOffset));
  const allFields: HeaderField[] = [{ name: IDENTITY_FIELD_NAME, value: ` ${options.jid}` }, ...fields];
  return { value: signFields({ ...rest, fields: allFields, bodyHash: hasher.digest() }) };
}
