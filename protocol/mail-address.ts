/**
 * The address of a From field, parsed by nodemailer's addressparser (the
 * RFC 5322 address parser behind mailparser and mailauth) rather than by
 * hand: display names, quoted strings, comments and groups are its business.
 *
 * addressparser is not linear (PROTOCOL.md §3.2): it concatenates its result
 * array once per address (quadratic in the number of addresses) and runs a
 * backtracking regular expression over long words without "@" (quadratic in
 * a word's length); 100 KB of "a." took 5 s. So the value is cut into list
 * elements here, in one pass, at exactly the commas and semicolons where
 * addressparser itself would cut it, and each element, at most
 * MAX_ADDRESS_ELEMENT_CHARS long, is parsed alone: the cost is linear in the
 * number of elements, and bounded per element.
 *
 * References: RFC 5322 §3.4, §3.6.2; RFC 5321 §4.5.3.1.3 (256-octet path);
 * PROTOCOL.md §3.2, §5.2.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const addressparser: (text: string, options: { flatten: true }) => { address?: string; name?: string }[] =
  require("nodemailer/lib/addressparser");

/**
 * The longest address-list element (a mailbox, or a group) that is parsed.
 * An address is at most 256 octets (RFC 5321) and a display name rarely a
 * few hundred more; a longer element costs addressparser up to 1 ms.
 */
export const MAX_ADDRESS_ELEMENT_CHARS = 1024;

/**
 * The From mailboxes' addresses, lower-cased; empty when none parses. A value
 * with an element longer than MAX_ADDRESS_ELEMENT_CHARS gives nothing at all:
 * skipping just that element would let a From whose other mailbox a mail
 * client still shows count as authorized (PROTOCOL.md §5).
 */
export function fromAddresses(value: string): string[] {
  const unfolded = value.replace(/\r?\n/g, "");
  const elements = addressListElements(unfolded);
  if (elements.some((e) => e.length > MAX_ADDRESS_ELEMENT_CHARS)) return [];
  return elements.flatMap((element) =>
    addressparser(element, { flatten: true })
      .map((m) => (m.address ?? "").trim().toLowerCase())
      .filter((a) => a.includes("@")),
  );
}

/** What each opener of addressparser's tokenizer waits for; "," and ";" wait for nothing. */
const CLOSER: Readonly<Record<string, string>> = { '"': '"', "(": ")", "<": ">", ":": ";" };

/**
 * Splits at the "," and ";" that addressparser's tokenizer treats as list
 * separators: those outside a quoted string, comment, angle address or group
 * (a group runs from ":" to ";"), where only quoted strings know "\" escapes.
 * The tokenizer's state is empty after such a separator, so each element
 * parses exactly as it did inside the whole value.
 */
function addressListElements(text: string): string[] {
  const elements: string[] = [];
  let waitingFor = "";
  let escaped = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (escaped) escaped = false;
    else if (waitingFor) {
      if (ch === waitingFor) waitingFor = "";
      else if (waitingFor === '"' && ch === "\\") escaped = true;
    } else if (ch === "," || ch === ";") {
      elements.push(text.slice(start, i));
      start = i + 1;
    } else waitingFor = CLOSER[ch] ?? "";
  }
  elements.push(text.slice(start));
  return elements;
}

/** A Message-ID without white space and angle brackets. */
export function bareMessageId(value: string): string {
  // /\s+/g consumes whole runs and never backtracks: linear (§3.2).
  const id = value.replace(/\s+/g, "");
  // Same as /^<(.*)>$/: no line terminator is left for "." to refuse.
  return id.length >= 2 && id.startsWith("<") && id.endsWith(">") ? id.slice(1, -1) : id;
}
