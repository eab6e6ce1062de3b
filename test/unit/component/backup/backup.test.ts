/**
 * Backup and restore of the SQLite store, through the functions behind
 * `xsmtp backup` and `xsmtp restore`: a backup taken while another process
 * commits without pause is one consistent snapshot, and what is in the
 * folder (modes, manifest) is what the commands promise.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { restoreBackup } from "../../../../component/backup/restore-backup.js";
import { engineFor } from "../../../../component/backup/store-engine.js";
import { takeBackup } from "../../../../component/backup/take-backup.js";
import { loadMigrations, migrate } from "../../../../component/store/migrate.js";

const WRITER = fileURLToPath(new URL("../../../support/store-writer.js", import.meta.url));
const SEED_ROWS = 20_000;

/** A migrated store with `rows` enrolled users, and a master key file. */
function freshState(rows = 0): { dir: string; database: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-backup-"));
  const database = join(dir, "xsmtp.sqlite");
  const keyFile = join(dir, "xsmtp.key");
  const db = new Database(database);
  db.pragma("journal_mode = WAL");
  migrate(db);
  if (rows > 0) db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO users (jid, enrolled_at) SELECT 'seed-' || i || '@example.org', i FROM n`,
  ).run(rows);
  db.close();
  writeFileSync(keyFile, "a".repeat(43) + "\n", { mode: 0o600 });
  return { dir, database, keyFile };
}

/** The writer process, and the last n it reported committed. */
function startWriter(database: string) {
  const child = spawn(process.execPath, [WRITER, database], { stdio: ["pipe", "pipe", "inherit"] });
  let committed = 0;
  let buffered = "";
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    if (lines.length) committed = Number(lines.at(-1));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    committed: () => committed,
    async stop() {
      child.stdin.end();
      assert.equal(await exited, 0);
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe("backup and restore (SQLite)", () => {
  it("three backups taken while another process commits without pause each restore every row committed before them, as one consistent snapshot", async () => {
    const live = freshState(SEED_ROWS);
    const writer = startWriter(live.database);
    try {
      await until(() => writer.committed() >= 1000);
      for (let round = 1; round <= 3; round++) {
        const before = writer.committed();
        const out = join(live.dir, `backup-${round}`);
        const taken = await takeBackup(live, out);
        assert.ok(!("reason" in taken), JSON.stringify(taken));
        const after = writer.committed();

        const target = freshState();
        const restored = await restoreBackup(target, out);
        assert.ok(!("reason" in restored), JSON.stringify(restored));
        const db = new Database(target.database, { readonly: true });
        try {
          assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
          assert.equal(db.prepare("SELECT count(*) FROM users WHERE jid LIKE 'seed-%'").pluck().get(), SEED_ROWS);
          const { rows, last } = db.prepare("SELECT count(*) AS rows, max(enrolled_at) AS last FROM users WHERE jid LIKE 'w%'").get() as {
            rows: number;
            last: number;
          };
          assert.ok(last >= before, `round ${round}: the restore ends at writer row ${last}, ${before} were committed before the backup`);
          assert.ok(last <= after + 10, `round ${round}: row ${last} cannot be in a backup that ended at ${after}`);
          // Written in order, so a snapshot is a prefix: no row missing below the last one.
          assert.equal(rows, last, `round ${round}: ${last - rows} rows missing below ${last}`);
        } finally {
          db.close();
        }
      }
      assert.ok(writer.committed() > 1000, "the writer kept committing");
    } finally {
      await writer.stop();
    }
  });

  it("the folder is mode 0700, the key 0600, and the manifest names engine, schema version and each file's SHA-256", async () => {
    const live = freshState(10);
    const out = join(live.dir, "nested", "backup");
    const taken = await takeBackup(live, out, { now: () => new Date("2026-11-29T12:00:00Z") });
    assert.ok(!("reason" in taken));
    assert.equal(statSync(out).mode & 0o777, 0o700);
    assert.equal(statSync(join(out, "master.key")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "store.sqlite")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "manifest.json")).mode & 0o777, 0o600);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    assert.equal(manifest.engine, "sqlite");
    assert.equal(manifest.schemaVersion, loadMigrations().length);
    assert.equal(manifest.createdAt, "2026-11-29T12:00:00.000Z");
    const sha = (name: string) => createHash("sha256").update(readFileSync(join(out, name))).digest("hex");
    assert.deepEqual(manifest.files, {
      "store.sqlite": { sha256: sha("store.sqlite"), bytes: statSync(join(out, "store.sqlite")).size },
      "master.key": { sha256: sha("master.key"), bytes: 44 },
    });
    assert.deepEqual(readFileSync(join(out, "master.key")), readFileSync(live.keyFile));
    // One self-contained file: not in WAL mode, so nothing else is needed beside it.
    assert.equal(readFileSync(join(out, "store.sqlite"))[18], 1);
  });

  it("a backup of a store nobody has open leaves no -wal or -shm file beside it", async () => {
    const live = freshState(10);
    const taken = await takeBackup(live, join(live.dir, "backup"));
    assert.ok(!("reason" in taken));
    assert.deepEqual(readdirSync(live.dir).sort(), ["backup", "xsmtp.key", "xsmtp.sqlite"]);
  });

  it("a backup goes only into a new or empty folder, and needs the key file unless told to leave it out", async () => {
    const live = freshState(1);
    const used = join(live.dir, "used");
    mkdirSync(used);
    writeFileSync(join(used, "something"), "x");
    assert.equal(((await takeBackup(live, used)) as { reason: string }).reason, "out-not-empty");
    const noKey = { ...live, keyFile: join(live.dir, "missing.key") };
    assert.equal(((await takeBackup(noKey, join(live.dir, "b1"))) as { reason: string }).reason, "no-key-file");
    const storeOnly = await takeBackup(noKey, join(live.dir, "b2"), { withoutKey: true });
    assert.ok(!("reason" in storeOnly));
    assert.deepEqual(Object.keys(storeOnly.manifest.files), ["store.sqlite"]);
  });

  it("the engine follows XSMTP_DATABASE: a postgres:// URL gets the pg_dump engine, a path the SQLite one", () => {
    const pg = engineFor("postgres://xsmtp:pw@db.example.org/xsmtp");
    assert.ok(!("reason" in pg) && pg.name === "postgres" && pg.fileName === "store.pgdump");
    const lite = engineFor("/var/lib/xsmtp/xsmtp.sqlite");
    assert.ok(!("reason" in lite) && lite.name === "sqlite" && lite.fileName === "store.sqlite");
    assert.equal(pg.knownSchemaVersion(), lite.knownSchemaVersion());
  });
});
