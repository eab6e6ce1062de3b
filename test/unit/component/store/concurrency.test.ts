/**
 * Several processes opening one fresh database at once (`xsmtp run` and an
 * `xsmtp user enroll` started right after it, say) must all succeed: one
 * applies the migrations, the others wait for it and apply nothing twice.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadMigrations } from "../../../../component/store/migrate.js";

const DATABASE_JS = new URL("../../../../component/store/database.js", import.meta.url).href;
const PROCESSES = 6;
const ROUNDS = 6;

/** A child that waits for the common start time, opens the file and prints what it found. */
const childScript = `
import { openDatabase } from ${JSON.stringify(DATABASE_JS)};
const [file, startAt] = process.argv.slice(1);
while (Date.now() < Number(startAt)) {}
const db = openDatabase(file);
console.log(JSON.stringify({ version: db.pragma("user_version", { simple: true }), mode: db.pragma("journal_mode", { simple: true }) }));
db.close();
`;

function openInChild(file: string, startAt: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", childScript, file, String(startAt)]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("store under concurrency", () => {
  it(`${PROCESSES} processes opening one fresh database at once all succeed, ${ROUNDS} rounds`, async () => {
    const latest = loadMigrations().length;
    for (let round = 0; round < ROUNDS; round++) {
      const file = join(mkdtempSync(join(tmpdir(), "xsmtp-race-")), "fresh.sqlite");
      // Node takes a while to start: the children spin until a common instant.
      const startAt = Date.now() + 700;
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => openInChild(file, startAt)));
      for (const r of results) {
        assert.equal(r.code, 0, `round ${round}: ${r.err}`);
        assert.deepEqual(JSON.parse(r.out), { version: latest, mode: "wal" }, `round ${round}`);
      }
    }
  });
});
