/**
 * `xsmtp backup` and `xsmtp restore` on a PostgreSQL store, as an operator
 * runs them: a backup taken while an instance keeps writing restores into
 * an empty database with every row committed before it and the keys still
 * opening under the master key; restore refuses a database a service has
 * open, and one holding data without --force; the password never shows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { systemClock } from "../../../component/clock.js";
import { IdentityCore } from "../../../component/keys/identity-core.js";
import { CachedIdentityLookup } from "../../../component/keys/identity-lookup.js";
import { loadOrCreateMasterKey } from "../../../component/keys/master-key.js";
import { openPostgresStore } from "../../../component/store/postgres-store.js";
import { startPostgres, type PrivatePostgres } from "../../../devtools/servers/postgres.js";
import { xsmtpEnv } from "../../../devtools/xsmtp-env.js";
import { runXsmtp } from "../../../devtools/xsmtp-process.js";

describe("backup and restore of a PostgreSQL store", () => {
  let pg: PrivatePostgres;
  let dir: string;
  let live: string;
  let keyFile: string;
  let password: string;

  before(async () => {
    pg = await startPostgres();
    live = await pg.createDatabase("live");
    password = new URL(live).password;
    dir = mkdtempSync(join(tmpdir(), "xsmtp-pg-backup-"));
    keyFile = join(dir, "xsmtp.key");
  });
  after(async () => pg.stop());

  const env = (database: string) => xsmtpEnv({ extra: { XSMTP_DATABASE: database, XSMTP_KEY_FILE: keyFile } });

  it("a backup taken while an instance writes restores every row committed before it, and the keys open", async () => {
    const store = await openPostgresStore(live);
    const masterKey = loadOrCreateMasterKey(keyFile);
    const core = new IdentityCore({ storage: store.identity, clock: systemClock, masterKey, userDomains: ["example.org"] });
    const issued = [];
    for (let i = 0; i < 20; i++) {
      const key = await core.enroll(`u${i}@example.org`, "laptop");
      assert.ok(typeof key !== "string");
      issued.push(key);
    }
    // An instance keeps recording passes during the backup.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) await store.verification.recordPass("u0@example.org", `m${written++}@x`, "other.org", Date.now());
    })();
    await new Promise((r) => setTimeout(r, 200));
    const committedBefore = written;
    const out = join(dir, "backup");
    const backup = await runXsmtp(["backup", "--out", out], env(live));
    writing = false;
    await writer;
    assert.equal(backup.code, 0, backup.stderr.toString());
    assert.match(backup.stdout.toString(), /postgres schema 4, store\.pgdump \d+ bytes/);
    assert.deepEqual(readdirSync(out).sort(), ["manifest.json", "master.key", "store.pgdump"]);
    assert.doesNotMatch(backup.stdout.toString() + backup.stderr.toString(), new RegExp(password));

    // A service has the live database open: restoring over it is refused.
    const busy = await runXsmtp(["restore", "--from", out, "--force"], env(live));
    assert.equal(busy.code, 1);
    assert.match(busy.stderr.toString(), /running|in use|open/i);
    await store.close();

    const fresh = await pg.createDatabase("restored");
    const restore = await runXsmtp(["restore", "--from", out], env(fresh));
    assert.equal(restore.code, 0, restore.stderr.toString());
    const restored = await openPostgresStore(fresh);
    try {
      assert.equal(await restored.identity.countUsers(), 20);
      const seen = await restored.sql.query<{ n: number }>("SELECT count(*) AS n FROM message_seen");
      assert.ok(seen[0]!.n >= committedBefore, `${seen[0]!.n} seen rows, ${committedBefore} committed before the backup`);
      const lookup = new CachedIdentityLookup(restored, masterKey);
      for (const key of issued) {
        const found = await lookup.signingKey(key.jid, key.keyId);
        assert.ok(typeof found !== "string" && found.secret.toString("base64url") === key.secret, key.jid);
      }
      lookup.clear();
    } finally {
      await restored.close();
    }
    // The restored database holds data now: without --force a second restore changes nothing.
    const again = await runXsmtp(["restore", "--from", out], env(fresh));
    assert.equal(again.code, 1);
    assert.match(again.stderr.toString(), /--force/);
  });
});
