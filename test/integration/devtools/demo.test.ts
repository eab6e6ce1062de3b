/**
 * The README's main job: `npm run demo` runs the whole loop and leaves nothing
 * running behind it.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const DEMO_MAIN = fileURLToPath(new URL("../../../devtools/demo/main.js", import.meta.url));

const prosodyProcesses = () => {
  try {
    return execFileSync("pgrep", ["-f", "xsmtp-demo-"]).toString().trim();
  } catch {
    return ""; // pgrep exits 1 when nothing matches
  }
};

describe("npm run demo", () => {
  it("shows pass, two tampered failures and the progress history, in under a minute, then stops everything", async () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, [DEMO_MAIN], { encoding: "utf8", timeout: 90_000 });
    const r = { code: run.status, stdout: run.stdout, stderr: run.stderr };
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(Date.now() - started < 60_000);
    assert.match(r.stdout, /xsmtp=pass/);
    assert.match(r.stdout, /reason="body-hash-mismatch"/);
    assert.match(r.stdout, /reason="signature-mismatch"/);
    for (const stage of ["submitted", "verified", "delivered", "rejected"]) {
      assert.match(r.stdout, new RegExp(`\\d{10}  ${stage} `), `history lacks ${stage}`);
    }
    assert.match(r.stdout, /notifications received while online[^]*\n\s+delivered /);
    assert.equal(prosodyProcesses(), "", "the demo left processes running");
  });
});
