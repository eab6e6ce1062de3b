/**
 * The values a verifier prints about a message (header.j, header.from), in
 * the one form it compares and prints them: local part as given (lower case
 * for a JID), domain as an A-label. A report is a header field, so it must
 * stay ASCII: a Unicode look-alike domain is shown as its xn-- form, never as
 * the real name it imitates.
 *
 * References: PROTOCOL.md §2 (j in A-label form), §5.1; RFC 7622 §3
 * (bare JID); RFC 5890 §2.3.2.1 (A-label); RFC 8601 §2.2 (pvalue may be a
 * bare domain-name), RFC 6532 (why a local part may be non-ASCII).
 */
import { toALabel } from "../../protocol/domains.js";

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** The A-label domain of an address (the part after its last "@"), or null. */
export function addressDomain(address: string): string | null {
  const at = address.lastIndexOf("@");
  return at < 0 ? null : toALabel(address.slice(at + 1).toLowerCase());
}

/**
 * An address as a report prints it, or undefined when its domain is no DNS
 * name. An address whose local part is not printable ASCII (an RFC 6532
 * UTF-8 mailbox, say) is printed as its A-label domain only, which RFC 8601
 * §2.2 allows for a pvalue ("[local-part "@"] domain-name"): the report
 * stays ASCII and the domain, which is what alignment and policy use, stays.
 */
export function printableAddress(address: string): string | undefined {
  const domain = addressDomain(address);
  if (!domain) return undefined;
  const local = address.slice(0, address.lastIndexOf("@"));
  return PRINTABLE_ASCII.test(local) ? `${local}@${domain}` : domain;
}
