/**
 * Which header fields the signer covers (h=). Each name is listed once more
 * than the message has that field (oversigning), so that a field of that
 * name added in transit, above or below, breaks the signature instead of
 * being shown unsigned to the reader.
 *
 * References: PROTOCOL.md §2 (h), §3 step 3, §10; RFC 6376 §5.4, §8.15.
 */
import type { HeaderField } from "../signature/index.js";

/** Signed always, present or not (an absent Cc then cannot be added). */
export const ALWAYS_SIGNED = ["from", "to", "cc", "subject", "date", "message-id", "x-xmpp-identity"];
/** Signed when the message has them: they decide how the body is read. */
export const SIGNED_WHEN_PRESENT = ["mime-version", "content-type"];

export function countFields(fields: HeaderField[], name: string): number {
  return fields.filter((f) => f.name.toLowerCase() === name).length;
}

export function defaultHeaderNames(fields: HeaderField[]): string[] {
  const names: string[] = [];
  for (const name of ALWAYS_SIGNED) names.push(...oversigned(fields, name));
  for (const name of SIGNED_WHEN_PRESENT) {
    if (countFields(fields, name) > 0) names.push(...oversigned(fields, name));
  }
  return names;
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
