/**
 * The master key file is refused, as ssh refuses a private key, when group
 * or others may read or write it or another user owns it: `xsmtp run` and
 * `xsmtp user` exit 2 with one line naming the fix.
 */
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { randomBytes } from "node:crypto";
import { loadOrCreateMasterKey, MasterKeyError } from "../../../../component/keys/master-key.js";
import { runXsmtp } from "../../../../devtools/xsmtp-process.js";
import { stateFiles, xsmtpEnv } from "../../../../devtools/xsmtp-env.js";

function setup(mode: number) {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-key-"));
  const { keyFile } = stateFiles(dir);
  writeFileSync(keyFile, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
  chmodSync(keyFile, mode);
  const env = xsmtpEnv({ stateDir: dir });
  return { keyFile, env };
}

const commands: [string, string[]][] = [
  ["xsmtp run", ["run"]],
  ["xsmtp user list", ["user", "list"]],
  ["xsmtp user enroll", ["user", "enroll", "alice@example.org"]],
];

describe("master key file permissions", () => {
  it("a missing key file is created with mode 0600 and loads", () => {
    const file = join(mkdtempSync(join(tmpdir(), "xsmtp-key-")), "new.key");
    assert.equal(loadOrCreateMasterKey(file).length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  for (const mode of [0o640, 0o604, 0o620, 0o602]) {
    for (const [name, args] of commands) {
      it(`${name} refuses a key file of mode ${mode.toString(8)} and names chmod 600`, async () => {
        const { keyFile, env } = setup(mode);
        const r = await runXsmtp(args, env);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(
          r.stderr,
          `xsmtp: key file ${keyFile} is accessible by group or others (mode 0${mode.toString(8)}); fix it with: chmod 600 ${keyFile}\n`,
        );
        assert.equal(r.stdout.toString(), "");
      });
    }
  }

  const root = process.geteuid?.() === 0;
  it("a key file owned by another user is refused with chown, by run and user", { skip: !root && "needs root to chown" }, async () => {
    const { keyFile, env } = setup(0o600);
    chownSync(keyFile, 65534, 65534);
    for (const [, args] of commands) {
      const r = await runXsmtp(args, env);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        `xsmtp: key file ${keyFile} is owned by uid 65534, not by ${userInfo().username} who runs xsmtp; fix it with: chown ${userInfo().username} ${keyFile}\n`,
      );
    }
  });

  it("a key file of mode 0600 or 0400 owned by the user is used", async () => {
    for (const mode of [0o600, 0o400]) {
      const { keyFile, env } = setup(mode);
      assert.equal(loadOrCreateMasterKey(keyFile).length, 32);
      const r = await runXsmtp(["user", "list", "--json"], env);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.throws(() => loadOrCreateMasterKey(setup(0o644).keyFile), MasterKeyError);
  });
});
