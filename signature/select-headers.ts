// References: RFC 6376 §5.4.2 (multiple instances of a field), PROTOCOL.md §3 step 3.

export interface HeaderField {
  name: string;
  value: string;
}

/**
 * Picks the fields a signature covers, in h= order. A name listed n times
 * takes the last n instances, bottom up; listing it more often than it occurs
 * (oversigning, RFC 6376 §8.15) selects nothing for the extra entries, so a
 * field of that name added later breaks the signature.
 */
export function selectHeaders<F extends HeaderField>(headerNames: string[], fields: F[]): F[] {
  // Per name, the indexes still available, top down; instances are taken from the end.
  const remaining = new Map<string, number[]>();
  fields.forEach((field, index) => {
    const key = field.name.toLowerCase();
    const list = remaining.get(key);
    if (list) list.push(index);
    else remaining.set(key, [index]);
  });
  const selected: F[] = [];
  for (const name of headerNames) {
    const index = remaining.get(name.toLowerCase())?.pop();
    if (index !== undefined) selected.push(fields[index]!);
  }
  return selected;
}
