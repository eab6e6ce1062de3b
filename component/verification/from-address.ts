/**
 * The address of a From field, parsed by nodemailer's addressparser (the
 * RFC 5322 address parser behind mailparser and mailauth) rather than by
 * hand: display names, quoted strings, comments and groups are its business.
 *
 * References: RFC 5322 §3.4, §3.6.2.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const addressparser: (text: string, options: { flatten: true }) => { address?: string; name?: string }[] =
  require("nodemailer/lib/addressparser");

/** The From mailboxes' addresses, lower-cased; empty when none parses. */
export function fromAddresses(value: string): string[] {
  const unfolded = value.replace(/\r?\n/g, "");
  return addressparser(unfolded, { flatten: true })
    .map((m) => (m.address ?? "").trim().toLowerCase())
    .filter((a) => a.includes("@"));
}

/** A Message-ID without white space and angle brackets. */
export function bareMessageId(value: string): string {
  return value.replace(/\s+/g, "").replace(/^<(.*)>$/, "$1");
}
