// References: RFC 6376 §3.4.2 (relaxed header), §3.4.4 (relaxed body),
// §3.4.5 (empty body); PROTOCOL.md §3 steps 1 and 2.

/**
 * Relaxed header canonicalization: `name:value`. Only SP and HTAB are white
 * space here (RFC 6376 §2.8 WSP), so a no-break space or other Unicode space
 * in a value is signed as it is. CR and LF are removed wherever they are,
 * not only in CRLF+WSP folds, because values that crossed XML lost their CRs
 * (PROTOCOL.md §3) and both sides must get the same result.
 */
export function canonicalHeader(name: string, value: string): string {
  const canonicalName = name.replace(/[ \t]+$/, "").toLowerCase();
  const canonicalValue = value
    .replace(/[\r\n]/g, "")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
  return `${canonicalName}:${canonicalValue}`;
}

/**
 * One-shot relaxed body canonicalization, written with string operations on
 * a latin1 view (one char per byte, so 8-bit content passes unchanged). It is
 * deliberately a different implementation from the streaming hasher, so the
 * tests comparing the two compare two readings of the RFC.
 * A lone LF ends a line like CRLF; a lone CR is ordinary content.
 */
export function canonicalBody(body: Buffer): Buffer {
  const lines = body.toString("latin1").split(/\r?\n/);
  const canonical = lines.map((line) => line.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (canonical.length > 0 && canonical[canonical.length - 1] === "") canonical.pop();
  if (canonical.length === 0) return Buffer.alloc(0);
  return Buffer.from(canonical.join("\r\n") + "\r\n", "latin1");
}
