// References: RFC 4648 §4 (base64 alphabet and padding).

const EQUALS = 0x3d;

function inAlphabet(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2b || // +
    code === 0x2f // /
  );
}

/**
 * Canonical padded base64: whole groups of four, at most two "=" and only at
 * the end. A scanner rather than a regular expression so that its cost is
 * plainly one pass (PROTOCOL.md §3.2). The empty string is valid base64.
 */
export function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === EQUALS) end--;
  if (end > 0 && text.charCodeAt(end - 1) === EQUALS) end--;
  for (let i = 0; i < end; i++) if (!inAlphabet(text.charCodeAt(i))) return false;
  return true;
}
