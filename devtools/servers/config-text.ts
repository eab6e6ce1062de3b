// Turns the example configs checked into the repo into test configs by exact
// text replacement. Every replacement must match exactly once, so an edit of
// the example that breaks the harness fails loudly instead of silently running
// with the example's ports or secret.

export function replaceOnce(text: string, search: string, replacement: string): string {
  const first = text.indexOf(search);
  if (first < 0) throw new Error(`example config no longer contains: ${search}`);
  if (text.indexOf(search, first + 1) >= 0) {
    throw new Error(`example config contains more than once: ${search}`);
  }
  return text.slice(0, first) + replacement + text.slice(first + search.length);
}

/** A Lua double-quoted string literal (control characters as \ddd). */
export function luaString(value: string): string {
  const escaped = value.replace(/[\\"\x00-\x1f\x7f]/g, (c) =>
    c === "\\" || c === '"' ? `\\${c}` : `\\${c.charCodeAt(0).toString().padStart(3, "0")}`,
  );
  return `"${escaped}"`;
}

/** A YAML double-quoted scalar; JSON strings are valid YAML. */
export function yamlString(value: string): string {
  return JSON.stringify(value);
}
