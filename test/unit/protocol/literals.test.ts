/**
 * protocol/ is the one place that spells XSMTP's namespaces and builds its
 * progress node names: every string and template literal in the product and
 * dev sources is read (with the TypeScript parser, so comments that show the
 * wire shape do not count), and a namespace or a `progress/` node name outside
 * protocol/ fails naming the file and line. test/ is exempt: a whole-stanza
 * assertion with the literal namespace is what catches a wrong constant.
 *
 * References: PROTOCOL.md (namespace table), §6 (node names); issue 12 item 2.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import ts from "typescript";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const ROOMS = ["signature", "protocol", "component", "mail", "cli", "devtools", "bench", "thunderbird"];

/** A namespace, or `progress/` at the start of a name (not in a path such as ../progress/x.js). */
const FORBIDDEN = [/urn:xmpp:/, /http:\/\/jabber\.org\/protocol\//, /jabber:/, /(?<![\w./-])progress\//];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Literal texts of a source file with their lines; module specifiers are paths, not protocol. */
function literals(path: string): { line: number; text: string }[] {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function offences(rooms: string[]): string[] {
  return rooms.flatMap((room) => sources(join(root, room))).flatMap((path) =>
    literals(path)
      .filter(({ text }) => FORBIDDEN.some((re) => re.test(text)))
      .map(({ line, text }) => `${relative(root, path)}:${line}: ${JSON.stringify(text.slice(0, 80))}`),
  );
}

describe("protocol literals live in protocol/ only", () => {
  it("no namespace or progress node name is spelt outside protocol/", () => {
    const outside = offences(ROOMS.filter((room) => room !== "protocol"));
    assert.deepEqual(outside, [], `use protocol/namespaces.ts and protocol/progress-node.ts instead:\n${outside.join("\n")}`);
  });

  it("the check sees them where they belong", () => {
    // Guards the test itself: if the parser or the patterns stopped matching, the check above would pass vacuously.
    const inside = offences(["protocol"]).join("\n");
    for (const expected of ["namespaces.ts", "progress-node.ts"]) assert.match(inside, new RegExp(expected));
  });
});
