/**
 * Which header fields the signer covers (h=). Each name is listed once more
 * than the message has that field (oversigning), so that a field of that
 * name added in transit, above or below, breaks the signature instead of
 * being shown unsigned to the reader.
 *
 * References: PROTOCOL.md §2 (h), §3 step 3, §10; RFC 6376 §5.4, §8.15.
 */
import type { HeaderField } from "../../signature/index.js";

/**
 * The default list of PROTOCOL.md §10, signed present or not: a name the
 * message lacks is listed once, so that adding it later (a Reply-To that
 * diverts answers, a Content-Type that makes the body read differently)
 * breaks the signature.
 */
export const DEFAULT_SIGNED = [
  "from",
  "sender",
  "reply-to",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "x-xmpp-identity",
];

export function countFields(fields: HeaderField[], name: string): number {
  return fields.filter((f) => f.name.toLowerCase() === name).length;
}

export function defaultHeaderNames(fields: HeaderField[]): string[] {
  return DEFAULT_SIGNED.flatMap((name) => oversigned(fields, name));
}

/**
 * A list given by the user is kept as given, except that x-xmpp-identity is
 * always oversigned: selection is bottom up, so without that an
 * X-XMPP-Identity added on top in transit would be shown but not signed.
 */
export function withIdentityOversigned(names: string[], fields: HeaderField[]): string[] {
  const lower = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const wanted = countFields(fields, "x-xmpp-identity") + 1;
  const listed = lower.filter((n) => n === "x-xmpp-identity").length;
  for (let i = listed; i < wanted; i++) lower.push("x-xmpp-identity");
  return lower;
}

function oversigned(fields: HeaderField[], name: string): string[] {
  return new Array<string>(countFields(fields, name) + 1).fill(name);
}
