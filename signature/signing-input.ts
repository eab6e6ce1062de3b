// References: RFC 6376 §3.7 (computing the hash), §3.5 b= ; PROTOCOL.md §3
// step 4, §3.2 (linear time).
import { canonicalHeader } from "./canonicalize.js";
import { trimFws } from "./fws.js";
import type { HeaderField } from "./select-headers.js";

export const HASH_FIELD_NAME = "X-XMPP-Hash";

/**
 * The text the MAC covers: each selected field canonicalized and followed by
 * CRLF, then the X-XMPP-Hash field itself with an empty b=, without a final
 * CRLF (the field is not complete until b= is filled in).
 */
export function signingInput(selected: HeaderField[], hashHeaderValue: string): string {
  let input = "";
  for (const field of selected) input += canonicalHeader(field.name, field.value) + "\r\n";
  return input + canonicalHeader(HASH_FIELD_NAME, withEmptyMac(hashHeaderValue));
}

/**
 * Deletes the value of the b= tag, including the white space and folding
 * around it, and leaves every other byte as written, because the verifier
 * must reproduce exactly what the signer hashed (RFC 6376 §3.7). The tag is
 * found by name, so b= need not be the last tag; "bh=" is not mistaken for it.
 */
export function withEmptyMac(value: string): string {
  const specs = value.split(";");
  const index = specs.findIndex((spec) => {
    const eq = spec.indexOf("=");
    return eq >= 0 && trimFws(spec.slice(0, eq)) === "b";
  });
  if (index < 0) return value;
  const spec = specs[index]!;
  specs[index] = spec.slice(0, spec.indexOf("=") + 1);
  return specs.join(";");
}
