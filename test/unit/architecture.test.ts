// The README's "Code layout" table, enforced over the import graph: which
// room may import which, and which files must stay free of XML and SQLite.
// Each failure lists every offending file and import, so one run shows all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const ROOMS = ["signature", "protocol", "component", "mail", "cli", "devtools", "bench", "schema", "thunderbird"] as const;
type Room = (typeof ROOMS)[number] | "test" | "migrations";

/** What each room may import of ours, besides itself (README, Code layout). */
const MAY_IMPORT: Record<(typeof ROOMS)[number], readonly Room[]> = {
  signature: [],
  protocol: ["signature"],
  component: ["protocol", "signature", "schema"],
  mail: ["protocol", "signature"],
  cli: ["component", "mail", "protocol", "signature", "schema"],
  schema: [],
  devtools: ["signature", "protocol", "component", "mail", "cli", "schema"],
  bench: ["signature", "protocol", "component", "mail", "cli", "schema", "devtools"],
  // The add-on bundles the verifier client and what it stands on, never the service.
  thunderbird: ["signature", "protocol", "mail"],
};
const IMPURE = /^(@xmpp\/|better-sqlite3$|pg$)/;
/** protocol/'s payload files build and read stanzas; the rest of protocol/ is pure. */
const PROTOCOL_PAYLOAD = /-(payload|request|answer)\.ts$/;

interface Import {
  spec: string;
  /** The repository path of one of our files, or undefined for a package. */
  target?: string;
}

const graph = new Map<string, Import[]>();
for (const room of ROOMS) for (const file of tsFiles(room)) graph.set(file, importsOf(file));

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  // Comments go first, so that an example in a comment is no import.
  const text = readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) => {
    if (!spec.startsWith(".")) return { spec };
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, ".ts");
    return { spec, target };
  });
}

const roomOf = (path: string) => path.split("/")[0] as Room;

function isPure(file: string): boolean {
  const name = file.split("/").at(-1)!;
  if (file.startsWith("signature/")) return true;
  if (file.startsWith("protocol/")) return !PROTOCOL_PAYLOAD.test(name);
  return file.startsWith("component/") && name.endsWith("-core.ts");
}

/** The chain of imports by which `file` reaches XML or SQLite, or undefined when it does not. */
function impurePath(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  for (const { spec, target } of graph.get(file) ?? []) {
    if (IMPURE.test(spec)) return [spec];
    const via = target && impurePath(target, seen);
    if (via) return [target!, ...via];
  }
  return undefined;
}

const report = (lines: string[]) => (lines.length ? `\n  ${lines.join("\n  ")}\n` : "");

test("each room imports only the rooms below it (README, Code layout)", () => {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    const from = roomOf(file) as (typeof ROOMS)[number];
    for (const { spec, target } of imports) {
      if (!target) continue;
      const to = roomOf(target);
      if (to === from || MAY_IMPORT[from].includes(to)) continue;
      violations.push(`${file}: ${spec} (${from}/ may not import ${to}/)`);
    }
  }
  assert.equal(report(violations), "");
});

test("signature/, protocol/ (but its payload files) and component cores import no XML and no SQLite, not even through another module", () => {
  const violations: string[] = [];
  for (const file of graph.keys()) {
    const path = isPure(file) ? impurePath(file) : undefined;
    if (path) violations.push(`${file}: ${path.join(" -> ")}`);
  }
  assert.equal(report(violations), "");
});

test("adapters import no store", () => {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    if (!file.startsWith("component/") || !file.endsWith("-adapter.ts")) continue;
    for (const { spec, target } of imports) {
      const store = spec === "better-sqlite3" || spec === "pg" || /(^component\/store\/|-store\.ts$|-storage\.ts$)/.test(target ?? "");
      if (store) violations.push(`${file}: ${spec}`);
    }
  }
  assert.equal(report(violations), "");
});

test("the check sees the imports it is about", () => {
  // Guards against a parser that silently finds nothing.
  assert.ok(graph.size > 100, `only ${graph.size} files`);
  const service = graph.get("component/service.ts")!.map((i) => i.target ?? i.spec);
  assert.ok(service.includes("component/features.ts") && service.includes("@xmpp/xml"), service.join(" "));
  assert.deepEqual(impurePath("component/store/database.ts"), ["better-sqlite3"]);
});
