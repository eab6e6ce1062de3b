/**
 * Compares whole stanzas structurally: same names, namespaces, attributes
 * (order-free) and children in order; white space between elements ignored.
 * A mismatch shows both stanzas as normalized XML.
 */
import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import parse from "@xmpp/xml/lib/parse.js";

export function normalize(node: xml.Element | string): string {
  const el = typeof node === "string" ? parse(node) : node;
  return render(el);
}

function render(el: xml.Element): string {
  const attrs = Object.entries(el.attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ` ${k}="${xml.escapeXML(String(v))}"`)
    .join("");
  const children = el.children
    .map((c) => (typeof c === "string" ? (c.trim() === "" ? "" : xml.escapeXMLText(c)) : render(c)))
    .join("");
  return `<${el.name}${attrs}>${children}</${el.name}>`;
}

export function assertStanza(actual: xml.Element | string | undefined, expected: string): void {
  assert.ok(actual, "expected a stanza, got none");
  assert.equal(normalize(actual), normalize(expected));
}
