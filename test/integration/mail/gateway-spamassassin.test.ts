/**
 * contrib/spamassassin/60_xsmtp.cf is clean for `spamassassin --lint`, and
 * it trusts only the gateway's own authserv-id: a pass written by anyone
 * else scores nothing, a replayed pass scores XSMTP_REPLAY. Fails, never
 * skips, without SpamAssassin (apt-get install spamassassin).
 *
 * References: spamassassin(1p) --lint; PROTOCOL.md §5 (replay), §11.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ruleFileFor, spamassassin, spamScore } from "../../support/spamassassin.js";

const mail = (ar: string) =>
  [`Authentication-Results: ${ar}`, "From: alice@example.org", "To: bob@other.org", "Subject: Lunch", "Date: Sat, 28 Nov 2026 10:00:00 +0000", "Message-ID: <m1@example.org>", "", "Lunch at noon?", ""].join("\n");
const PASS = "header.j=alice@example.org header.k=gateway-0a1b2c header.from=alice@example.org policy.from-authorized=yes policy.from-aligned=yes";

describe("the SpamAssassin rule file", { timeout: 120_000 }, () => {
  it("passes spamassassin --lint, as shipped and with an authserv-id filled in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xsmtp-sa-lint-"));
    try {
      for (const file of [new URL("../../../../contrib/spamassassin/60_xsmtp.cf", import.meta.url).pathname, await ruleFileFor("mx.other.org", dir)]) {
        const r = await spamassassin(["--lint", `--cf=include ${file}`]);
        assert.equal(r.code, 0, r.out);
        assert.equal(r.out.trim(), "", r.out);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("trusts only its own authserv-id; a replayed pass scores XSMTP_REPLAY, not the pass bonus", async () => {
    const other = await spamScore(mail(`mx.elsewhere.example; xsmtp=pass ${PASS}`), "mx.other.org");
    assert.ok(!other.tests.some((t) => t.startsWith("XSMTP_")), other.status);
    const replayed = await spamScore(mail(`mx.other.org; xsmtp=pass ${PASS} policy.replay=suspected`), "mx.other.org");
    assert.ok(replayed.tests.includes("XSMTP_REPLAY") && !replayed.tests.includes("XSMTP_PASS_ALIGNED"), replayed.status);
  });
});
