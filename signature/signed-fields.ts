/**
 * Lines up the header fields a verifier sent with the names in h=. The
 * verifier already selected them (PROTOCOL.md §3 step 3, in h order, a name
 * with no instance left not sent), so the service must not select again —
 * that would reverse repeated fields. It walks h= and takes the next sent
 * field when its name is the one expected; extra fields are not signed and
 * are ignored.
 *
 * References: PROTOCOL.md §3 step 3, §5; RFC 6376 §5.4.2.
 */
import type { HeaderField } from "./index.js";

export function alignSentFields(headerNames: string[], sent: HeaderField[]): HeaderField[] {
  const selected: HeaderField[] = [];
  let next = 0;
  for (const name of headerNames) {
    const field = sent[next];
    if (field && field.name.trim().toLowerCase() === name) {
      selected.push(field);
      next++;
    }
  }
  return selected;
}

/** The first selected field of that name (the bottom-most instance in the message). */
export function firstValue(selected: HeaderField[], name: string): string | undefined {
  return selected.find((f) => f.name.trim().toLowerCase() === name)?.value;
}
