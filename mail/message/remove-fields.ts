/**
 * Cuts whole header fields (with their continuation lines) out of a header
 * block, working on bytes so that everything else, 8-bit bytes that are not
 * UTF-8 included, stays exactly as it was.
 *
 * References: RFC 5322 §2.2 (fields), §2.2.3 (folding); PROTOCOL.md §3.2.
 */
import { isWsp } from "../../signature/fws.js";

/** Returns the header block without the fields named (lower case), and how many went. */
export function removeFields(head: Buffer, names: ReadonlySet<string>): { head: Buffer; removed: number } {
  const kept: Buffer[] = [];
  let removed = 0;
  let dropping = false;
  let start = 0;
  while (start < head.length) {
    const lf = head.indexOf(0x0a, start);
    const next = lf < 0 ? head.length : lf + 1;
    const line = head.subarray(start, next);
    const continuation = line[0] === 0x20 || line[0] === 0x09;
    if (!continuation) {
      const colon = line.indexOf(0x3a);
      // A scan back from the colon: /[ \t]+$/ would rescan a long white-space run at every position.
      let nameEnd = colon;
      while (nameEnd > 0 && isWsp(line[nameEnd - 1]!)) nameEnd--;
      const name = colon > 0 ? line.toString("latin1", 0, nameEnd).toLowerCase() : "";
      dropping = names.has(name);
      if (dropping) removed++;
    }
    if (!dropping) kept.push(line);
    start = next;
  }
  return { head: removed ? Buffer.concat(kept) : head, removed };
}
