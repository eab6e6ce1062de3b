/**
 * Domain names as XSMTP compares and prints them: A-labels (IDNA), so a
 * look-alike Unicode domain is never printed as the real one, and the
 * organizational domain (the registrable domain by the Public Suffix List,
 * as DMARC relaxed alignment uses it), for From alignment and for counting
 * a verifier's subdomains as one.
 *
 * tldts carries the Public Suffix List, ICANN and private sections; the
 * private section is used, so two customers of one hosting suffix
 * (a.github.io, b.github.io) are different organizations.
 *
 * References: RFC 5890 §2.3.2.1 (A-label), RFC 7489 §3.2 (organizational
 * domain), PROTOCOL.md §2 (j in A-label form), §5.2 (alignment).
 */
import { domainToASCII } from "node:url";
import { getDomain } from "tldts";

/** The A-label form of a domain, lower case, without a final dot; null when it is no domain name. */
export function toALabel(domain: string): string | null {
  const trimmed = domain.endsWith(".") ? domain.slice(0, -1) : domain;
  if (trimmed === "" || trimmed.length > 253) return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === "" || ascii.length > 253 || !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(ascii)) return null;
  return ascii;
}

/**
 * The registrable domain of an A-label domain; the domain itself when the
 * list knows no registrable part (a bare public suffix, "localhost", an
 * address literal), so nothing is ever widened to a whole suffix.
 */
export function organizationalDomain(domain: string): string {
  const ascii = toALabel(domain) ?? domain.toLowerCase();
  return getDomain(ascii, { allowPrivateDomains: true }) ?? ascii;
}

/** Whether two domains have the same organizational domain (RFC 7489 §3.1.1 relaxed mode). */
export function sameOrganization(a: string, b: string): boolean {
  return organizationalDomain(a) === organizationalDomain(b);
}
