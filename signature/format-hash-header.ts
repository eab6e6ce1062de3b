// References: PROTOCOL.md §2 and §9 (tag order of the vectors), RFC 6376 §3.5.
import { SUPPORTED_ALGORITHM, SUPPORTED_VERSION, type HashHeader } from "./hash-header.js";

/** The tags a signer chooses: a parsed HashHeader without what formatting fixes (v, a) or derives (raw). */
export type HashHeaderFields = Omit<HashHeader, "version" | "algorithm" | "raw" | "mac"> & {
  /** Omit (or pass "") while computing the signing input: `b=` must be empty then. */
  mac?: string;
};

/**
 * Writes an X-XMPP-Hash value on one line. The tag order is the vectors'
 * order; it is part of what is signed, so signer and test must agree on it.
 * Folding is left to whoever writes the message: relaxed canonicalization
 * makes folding at a space invisible to the signature.
 */
export function formatHashHeader(fields: HashHeaderFields): string {
  const tags: [string, string | number | undefined][] = [
    ["v", SUPPORTED_VERSION],
    ["a", SUPPORTED_ALGORITHM],
    ["j", fields.jid],
    ["k", fields.keyId],
    ["t", fields.signedAt],
    ["x", fields.expiresAt],
    ["s", fields.service],
    ["ip", fields.ip],
    ["h", fields.headerNames.join(":")],
    ["bh", fields.bodyHash],
    ["b", fields.mac ?? ""],
  ];
  return tags
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}
