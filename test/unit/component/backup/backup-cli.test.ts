/**
 * `xsmtp backup` and `xsmtp restore` as an operator runs them: what they
 * print, their exit codes, what they refuse (changing nothing), and that no
 * secret leaves its seal in a backup. The SQLite engine's; PostgreSQL's is
 * test/integration/postgres/backup.test.ts.
 */
import assert from "node:assert/strict";
import { chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { stateFiles, xsmtpEnv } from "../../../../devtools/xsmtp-env.js";
import { runXsmtp, startXsmtp, stopXsmtp } from "../../../../devtools/xsmtp-process.js";
import { enrollWithCli } from "../../../../devtools/xsmtp-user.js";
import { loadMigrations } from "../../../../component/store/migrate.js";
import { decodeSecret } from "../../../../signature/index.js";

/** A state folder with alice enrolled through the CLI; answers its env and alice's secret. */
async function enrolledState() {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-backup-cli-"));
  const env = xsmtpEnv({ stateDir: dir, sqlite: true });
  const alice = await enrollWithCli("alice@example.org", env, "laptop", { isolated: true });
  return { dir, env, secret: alice.secret, ...stateFiles(dir, "sqlite") };
}

/** An empty state folder to restore into. */
function emptyState() {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-restore-cli-"));
  return { dir, env: xsmtpEnv({ stateDir: dir, sqlite: true }), ...stateFiles(dir, "sqlite") };
}

const run = (args: string[], env: Record<string, string>) => runXsmtp(args, env, { isolated: true });

async function backupOf(state: { dir: string; env: Record<string, string> }, name = "backup", extra: string[] = []): Promise<string> {
  const out = join(state.dir, name);
  const r = await run(["backup", "--out", out, ...extra], state.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^backup written to .* in \d+\.\d\d s: sqlite schema \d+, store\.sqlite \d+ bytes/);
  return out;
}

/** A copy of a backup folder to spoil. */
function copyOf(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), "xsmtp-backup-copy-"));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

function rewriteManifest(dir: string, change: (m: Record<string, unknown>) => void): void {
  const file = join(dir, "manifest.json");
  const m = JSON.parse(readFileSync(file, "utf8"));
  change(m);
  writeFileSync(file, JSON.stringify(m));
}

describe("xsmtp backup and xsmtp restore", () => {
  // One enrolled store and its backup, for the tests that only read them.
  let state: Awaited<ReturnType<typeof enrolledState>>;
  let backup: string;
  before(async () => {
    state = await enrolledState();
    backup = await backupOf(state);
  });

  it("secrets stay sealed: the backup holds no enrolled secret, as base64url, hex or raw bytes", async () => {
    const out = backup;
    const raw = decodeSecret(state.secret)!;
    assert.equal(raw.length, 32);
    for (const name of readdirSync(out)) {
      const bytes = readFileSync(join(out, name));
      for (const needle of [Buffer.from(state.secret), Buffer.from(raw.toString("hex")), raw, Buffer.from(raw.toString("base64"))]) {
        assert.equal(bytes.indexOf(needle), -1, `${name} holds the secret`);
      }
    }
    assert.equal(statSync(join(out, "master.key")).mode & 0o777, 0o600);
    assert.equal(statSync(out).mode & 0o777, 0o700);
  });

  it("restore into an empty state brings back the users, and the key file byte for byte with mode 0600", async () => {
    const out = backup;
    const target = emptyState();
    const r = await run(["restore", "--from", out], target.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^restored .*xsmtp\.sqlite and .*xsmtp\.key from .* \(sqlite schema \d+, taken .* by XSMTP .*\)\n$/);
    assert.deepEqual(readFileSync(target.keyFile), readFileSync(state.keyFile));
    assert.equal(statSync(target.keyFile).mode & 0o777, 0o600);
    const list = await run(["user", "list", "--json"], target.env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout.toString(), /alice@example\.org/);
  });

  it("restore onto a store that holds data is refused with exit 1 naming --force, and changes nothing; --force replaces it", async () => {
    const out = backup;
    const other = emptyState();
    await enrollWithCli("bob@example.org", other.env, undefined, { isolated: true });
    const untouched = { store: readFileSync(other.database), key: readFileSync(other.keyFile) };
    const refused = await run(["restore", "--from", out], other.env);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `xsmtp: restore refused: ${other.database} holds data that the restore would replace (and XSMTP_KEY_FILE the key that opens it): add --force to replace both\n`,
    );
    assert.deepEqual(readFileSync(other.database), untouched.store);
    assert.deepEqual(readFileSync(other.keyFile), untouched.key);

    const forced = await run(["restore", "--from", out, "--force"], other.env);
    assert.equal(forced.code, 0, forced.stderr);
    const list = (await run(["user", "list", "--json"], other.env)).stdout.toString();
    assert.match(list, /alice@example\.org/);
    assert.doesNotMatch(list, /bob@example\.org/);
    assert.deepEqual(readFileSync(other.keyFile), readFileSync(state.keyFile));
  });

  it("restore while xsmtp run has the store open is refused with exit 1, even with --force; backup works meanwhile", async () => {
    // Nothing listens on port 1: the service keeps retrying, its store open.
    const service = startXsmtp(["run"], state.env);
    try {
      await service.waitFor(/"msg":"starting"/);
      const out = await backupOf(state, "while-running");
      const r = await run(["restore", "--from", out, "--force"], state.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^xsmtp: restore refused: .*xsmtp\.sqlite is open in another process \(xsmtp run or xsmtp user\): stop the service first/);
    } finally {
      await stopXsmtp(service);
    }
  });

  it("a backup with one byte changed is refused as damaged, naming the file", async () => {
    const out = copyOf(backup);
    const file = join(out, "store.sqlite");
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    const target = emptyState();
    const r = await run(["restore", "--from", out], target.env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `xsmtp: restore refused: ${file} does not match its SHA-256 in the manifest: the backup is damaged, nothing was restored\n`);
    assert.deepEqual(readdirSync(target.dir), []);
  });

  it("a backup whose schema is newer than this XSMTP knows is refused", async () => {
    const out = copyOf(backup);
    const known = loadMigrations().length;
    rewriteManifest(out, (m) => (m.schemaVersion = known + 1));
    const r = await run(["restore", "--from", out], emptyState().env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^xsmtp: restore refused: the backup's schema version ${known + 1} is newer than this XSMTP knows \\(${known}\\)`));
  });

  it("a folder without a manifest (not a backup, or an unfinished one) is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-not-a-backup-"));
    const r = await run(["restore", "--from", dir], emptyState().env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^xsmtp: restore refused: .* holds no manifest\.json \(ENOENT\): not a backup, or an unfinished one\n$/);
  });

  it("backup into a folder that holds files is refused with exit 1; a bad configuration exits 2", async () => {
    const used = join(state.dir, "used");
    mkdirSync(used);
    writeFileSync(join(used, "x"), "");
    const r = await run(["backup", "--out", used], state.env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `xsmtp: backup refused: ${used} exists and is not an empty folder: a backup goes into a new folder\n`);
    const bad = await run(["backup", "--out", join(state.dir, "b")], { ...state.env, XSMTP_DOMAIN: "" });
    assert.equal(bad.code, 2);
  });

  it("a backup taken with --no-key restores the store and says the key must be put in place", async () => {
    const out = await backupOf(state, "without-key", ["--no-key"]);
    assert.deepEqual(readdirSync(out).sort(), ["manifest.json", "store.sqlite"]);
    const target = emptyState();
    const r = await run(["restore", "--from", out], target.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `xsmtp restore: the backup holds no master key: put the key file it was taken with at ${target.keyFile} before starting xsmtp\n`);
    const db = new Database(target.database, { readonly: true });
    assert.equal(db.prepare("SELECT count(*) FROM users").pluck().get(), 1);
    db.close();
  });

  const root = process.geteuid?.() === 0;
  it("restored as root, the files take the owner of the folder they land in, so the service's user can open them", { skip: !root && "needs root to chown" }, async () => {
    const out = backup;
    const target = emptyState();
    chownSync(target.dir, 65534, 65534);
    const r = await run(["restore", "--from", out], target.env);
    assert.equal(r.code, 0, r.stderr);
    for (const file of [target.database, target.keyFile]) {
      assert.deepEqual([statSync(file).uid, statSync(file).gid], [65534, 65534], file);
    }
  });
});
