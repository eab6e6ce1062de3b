/**
 * The keys feature's cached lookup (identity-lookup.ts): what verification
 * reads comes from memory, yet a write by another process (the `xsmtp user`
 * CLI), by another connection, or through this process's IdentityCore is
 * seen by the very next read, on SQLite and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../../../component/config/config.js";
import { CachedIdentityLookup } from "../../../../component/keys/identity-lookup.js";
import { openIdentities } from "../../../../component/keys/open-identities.js";
import { systemClock } from "../../../../component/clock.js";
import { openStore } from "../../../../component/store/open-store.js";
import type { Store } from "../../../../component/store/store.js";
import { runXsmtp } from "../../../../devtools/xsmtp-process.js";
import { stateFiles, xsmtpEnv } from "../../../../devtools/xsmtp-env.js";
import { loadOrCreateMasterKey } from "../../../../component/keys/master-key.js";

describe("the cached identity lookup", () => {
  let dir: string;
  let db: Store;
  let env: Record<string, string>;
  let lookup: CachedIdentityLookup;
  const enrolled = { keyId: "" };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xsmtp-lookup-"));
    env = xsmtpEnv({ stateDir: dir });
    const r = await runXsmtp(["user", "enroll", "alice@example.org", "--label", "laptop", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    enrolled.keyId = JSON.parse(r.stdout.toString()).key_id;
    db = await openStore(stateFiles(dir).database);
    lookup = new CachedIdentityLookup(db, loadOrCreateMasterKey(stateFiles(dir).keyFile));
  });
  after(async () => {
    lookup.clear();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a revocation by the CLI in another process is seen by the next read, cache warm", async () => {
    const warm = (await lookup.signingKey("alice@example.org", enrolled.keyId));
    assert.ok(typeof warm !== "string" && warm.revokedAt === null);
    assert.equal((await lookup.isAuthorizedAddress("alice@example.org", "alice@example.org")), true);
    const r = await runXsmtp(["user", "revoke-key", "alice@example.org", enrolled.keyId, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const after = (await lookup.signingKey("alice@example.org", enrolled.keyId));
    assert.ok(typeof after !== "string" && after.revokedAt !== null, "the cached key was not dropped");
  });

  it("addresses set by the CLI, and unenrollment, are seen at once", async () => {
    assert.equal((await lookup.isAuthorizedAddress("alice@example.org", "a@example.org")), false);
    assert.equal((await runXsmtp(["user", "set-addresses", "alice@example.org", "a@example.org"], env)).code, 0);
    assert.equal((await lookup.isAuthorizedAddress("alice@example.org", "a@example.org")), true);
    assert.equal((await runXsmtp(["user", "remove", "alice@example.org"], env)).code, 0);
    assert.equal((await lookup.signingKey("alice@example.org", enrolled.keyId)), "identity-unknown");
  });

  it("writes through this process's own IdentityCore (data_version does not see them) drop the cache too", async () => {
    const config = loadConfig({ env, require: "component" });
    const { core, masterKey } = openIdentities(config, db.identity, systemClock, loadOrCreateMasterKey(stateFiles(dir).keyFile));
    const issued = (await core.enroll("bob@example.org"));
    assert.ok(typeof issued !== "string");
    const own = new CachedIdentityLookup(db, masterKey);
    assert.ok(typeof (await own.signingKey("bob@example.org", issued.keyId)) !== "string");
    await core.revokeKey("bob@example.org", issued.keyId);
    const after = (await own.signingKey("bob@example.org", issued.keyId));
    assert.ok(typeof after !== "string" && after.revokedAt !== null);
    own.clear();
  });
});
