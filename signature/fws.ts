// References: RFC 5322 §3.2.2 (FWS), RFC 6376 §2.8 (WSP) and §3.2 (tag
// lists); PROTOCOL.md §3.2 (linear-time parsing).
//
// White-space scanners written as charCode loops. A regular expression such
// as /[ \t]+$/ restarts at every position of a white-space run and rescans it,
// which is quadratic in the run's length (a 1 MB run of spaces took minutes);
// these loops look at each character at most twice.

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** SP and HTAB: white space inside a line (RFC 6376 WSP). */
export function isWsp(code: number): boolean {
  return code === SP || code === HTAB;
}

/** SP, HTAB, CR and LF: what folding white space is made of once unfolded. */
export function isFws(code: number): boolean {
  return code === SP || code === HTAB || code === CR || code === LF;
}

/** Whether the text is empty or white space and folding only. */
export function isAllFws(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isFws(text.charCodeAt(i))) return false;
  return true;
}

/** Trims SP, HTAB, CR and LF at both ends. */
export function trimFws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isFws(text.charCodeAt(start))) start++;
  while (end > start && isFws(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Trims SP and HTAB at the end only (a field name before its colon). */
export function trimWspEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isWsp(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Removes every SP, HTAB, CR and LF (base64 values may be folded anywhere). */
export function stripFws(text: string): string {
  const kept: string[] = [];
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isFws(text.charCodeAt(i))) continue;
    if (i > runStart) kept.push(text.slice(runStart, i));
    runStart = i + 1;
  }
  if (runStart === 0) return text;
  if (runStart < text.length) kept.push(text.slice(runStart));
  return kept.join("");
}
