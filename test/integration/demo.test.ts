/**
 * The README's main job: `xsmtp demo` runs the whole loop and leaves nothing
 * running behind it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { runXsmtp } from "../support/component-process.js";

const prosodyProcesses = () => {
  try {
    return execFileSync("pgrep", ["-f", "xsmtp-demo-"]).toString().trim();
  } catch {
    return ""; // pgrep exits 1 when nothing matches
  }
};

describe("xsmtp demo", () => {
  it("shows pass, two tampered failures and the progress history, in under a minute, then stops everything", async () => {
    const started = Date.now();
    const r = await runXsmtp(["demo"], {});
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
