import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { settings } from "../../component/config/settings.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const sample = readFileSync(new URL("../../../xsmtp.example.conf", import.meta.url), "utf8");

describe("documentation stays in step with the code", () => {
  it("the README's configuration table and the sample config name every setting", () => {
    for (const s of Object.values(settings)) {
      assert.match(readme, new RegExp("`" + s.env + "`"), `README lacks ${s.env}`);
      assert.match(sample, new RegExp(s.env), `xsmtp.example.conf lacks ${s.env}`);
    }
  });

  it("the README opens with the two commands for a fresh machine", () => {
    const head = readme.split("\n").slice(0, 12).join("\n");
    assert.match(head, /npm ci && npm run demo/);
    assert.match(head, /npm ci && npm test/);
  });
});
