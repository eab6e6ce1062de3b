/**
 * Several instances on one PostgreSQL (issue 14): each instance is a store
 * of its own (its own pool), as each `xsmtp run` would have, all on one
 * database. What must stay exact while they write at once: migrations
 * applied once, <seen> counts, progress item ids, the shared verify rate
 * limit, and a revocation seen by every instance's key cache at once.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { systemClock } from "../../../component/clock.js";
import { IdentityCore } from "../../../component/keys/identity-core.js";
import { CachedIdentityLookup } from "../../../component/keys/identity-lookup.js";
import { openPostgresStore, type PostgresStore } from "../../../component/store/postgres-store.js";
import { RateLimiter } from "../../../component/verification/rate-limiter.js";
import { startPostgres, type PrivatePostgres } from "../../../devtools/servers/postgres.js";

const T0 = Date.parse("2026-11-29T10:00:00Z");

describe("several instances on one PostgreSQL", () => {
  let pg: PrivatePostgres;
  let url: string;
  let instances: PostgresStore[];

  before(async () => {
    pg = await startPostgres();
    url = await pg.createDatabase("instances");
    // Six instances starting at the same moment on an empty database.
    instances = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(url)));
  });
  after(async () => {
    await Promise.all(instances.map((s) => s.close()));
    await pg.stop();
  });

  it("instances starting at once apply each migration exactly once", async () => {
    const versions = await Promise.all(instances.map((s) => s.schemaVersion()));
    assert.deepEqual(new Set(versions), new Set([4]));
    assert.deepEqual(await instances[0]!.sql.query("SELECT version FROM xsmtp_schema"), [{ version: 4 }]);
  });

  it("passes of one message recorded by three instances at once each get their own exact <seen> totals", async () => {
    await instances[0]!.identity.insertUser("alice@example.org", T0);
    const three = instances.slice(0, 3);
    const answers = await Promise.all(
      Array.from({ length: 90 }, (_, i) => three[i % 3]!.verification.recordPass("alice@example.org", "m1@x", `d${i}.example`, T0 + i)),
    );
    const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);
    const oneTo90 = Array.from({ length: 90 }, (_, i) => i + 1);
    assert.deepEqual(sorted(answers.map((a) => a.verifications)), oneTo90);
    assert.deepEqual(sorted(answers.map((a) => a.domains)), oneTo90);
    // A second pass from a domain already counted moves verifications, not domains.
    const again = await instances[1]!.verification.recordPass("alice@example.org", "m1@x", "d0.example", T0 + 100);
    assert.deepEqual(again, { verifications: 91, domains: 90 });
  });

  it("items appended to one node by three instances at once get unique, gapless ids", async () => {
    const key = { owner: "alice@example.org", messageId: "m2@x" };
    const event = (i: number) => ({ stage: "delivered" as const, at: T0 + i, by: "other.org", recipientDomains: [] });
    const appended = await Promise.all(
      Array.from({ length: 60 }, (_, i) => instances[i % 3]!.progress.append(key, "other.org", event(i), { create: true, maxItems: 100 })),
    );
    assert.deepEqual(appended.map((a) => a.seq).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 1));
    assert.deepEqual(appended[0]!.subscribers, ["alice@example.org"]);
    assert.equal((await instances[3]!.progress.items(key, {})).length, 60);
  });

  it("the verify rate limit is shared: three instances together let a domain through at its rate, not three times it", async () => {
    const perMinute = 120;
    const now = { t: T0 };
    const clock = { now: () => now.t };
    const limiters = instances.slice(0, 3).map((s) => new RateLimiter(perMinute, clock, s.takeTokens!.bind(s)));
    const taken = await Promise.all(Array.from({ length: 600 }, (_, i) => limiters[i % 3]!.take("flood.example")));
    const granted = taken.filter(Boolean).length;
    // Leases come out of the one bucket, and every lease is spent while requests wait: exactly its 120.
    assert.equal(granted, perMinute);
    // A minute later the bucket is full again, for all of them together.
    now.t += 60_000;
    const later = await Promise.all(Array.from({ length: 600 }, (_, i) => limiters[i % 3]!.take("flood.example")));
    assert.equal(later.filter(Boolean).length, perMinute);
  });

  it("a key revoked through one instance is refused by every other instance's warm cache at its next lookup", async () => {
    const masterKey = randomBytes(32);
    const core = new IdentityCore({ storage: instances[0]!.identity, clock: systemClock, masterKey, userDomains: ["example.org"] });
    const issued = await core.enroll("bob@example.org", "laptop");
    assert.ok(typeof issued !== "string");
    const caches = instances.slice(1, 4).map((s) => new CachedIdentityLookup(s, masterKey));
    for (const cache of caches) {
      const warm = await cache.signingKey("bob@example.org", issued.keyId);
      assert.ok(typeof warm !== "string" && warm.revokedAt === null);
      assert.equal(await cache.isAuthorizedAddress("bob@example.org", "bob@example.org"), true);
    }
    await core.revokeKey("bob@example.org", issued.keyId);
    await core.setAddresses("bob@example.org", ["b@example.org"]);
    for (const cache of caches) {
      const after = await cache.signingKey("bob@example.org", issued.keyId);
      assert.ok(typeof after !== "string" && after.revokedAt !== null, "a cache kept the revoked key");
      assert.equal(await cache.isAuthorizedAddress("bob@example.org", "b@example.org"), true);
      cache.clear();
    }
  });
});
