import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { settings } from "../../component/config/settings.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const sample = readFileSync(new URL("../../../xsmtp.example.conf", import.meta.url), "utf8");
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Prosody's files, named in the README as the model of core, adapter and wiring: not ours. */
const FOREIGN = new Set(["util/pubsub.lua", "mod_pubsub/pubsub.lib.lua", "mod_pubsub.lua"]);

/** Every backticked name in the README that looks like a path of this repository. */
function namedPaths(text: string): string[] {
  const quoted = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  return [...new Set(quoted.filter((q) => q.includes("/") && /(\.(ts|md|sql|cf|lua|yml)|\/)$/.test(q) && !FOREIGN.has(q)))];
}

/** The rooms of the layout table (`signature/`, `component/`, ...): the folders a shorter path is named inside. */
function rooms(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z]+\/)`/gm)].map((m) => m[1]!);
}

/** Every file below dir, as paths relative to ROOT (for glob patterns such as `component/**\/*-core.ts`). */
function filesBelow(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" }).map((f) => join(dir, f));
}

function globExists(pattern: string): boolean {
  const prefix = pattern.slice(0, pattern.indexOf("*"));
  // "**/" is any depth of folders, "*" any name within one folder.
  const parts = pattern.split("**/").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"));
  const regex = new RegExp("^" + parts.join("(?:.*/)?") + "$");
  return existsSync(join(ROOT, prefix)) && filesBelow(prefix).some((f) => regex.test(f));
}

/** A path is at the root, or (a sub-room such as `store/` in the component row) inside one of the rooms. */
function exists(path: string, inside: string[]): boolean {
  if (path.includes("*")) return ["", ...inside].some((room) => globExists(room + path));
  return ["", ...inside].some((room) => existsSync(join(ROOT, room, path)));
}

describe("documentation stays in step with the code", () => {
  it("the README's configuration table and the sample config name every setting", () => {
    for (const s of Object.values(settings)) {
      assert.match(readme, new RegExp("`" + s.env + "`"), `README lacks ${s.env}`);
      assert.match(sample, new RegExp(s.env), `xsmtp.example.conf lacks ${s.env}`);
    }
  });

  it("every repository path the README names exists, so its code layout cannot rot", () => {
    const inside = rooms(readme);
    assert.ok(inside.includes("component/") && inside.includes("devtools/"), `rooms read from the layout table: ${inside.join(" ")}`);
    const paths = namedPaths(readme);
    assert.ok(paths.length > 20, `only ${paths.length} paths found`);
    assert.deepEqual(paths.filter((p) => !exists(p, inside)), []);
  });

  it("the README opens with the two commands for a fresh machine", () => {
    const head = readme.split("\n").slice(0, 12).join("\n");
    assert.match(head, /npm ci && npm run demo/);
    assert.match(head, /npm ci && npm test/);
  });
});
