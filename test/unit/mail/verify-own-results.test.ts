/**
 * --add-header removes every Authentication-Results field carrying our own
 * authserv-id (after CFWS and comments, case-insensitively, quoted or not)
 * and keeps all others byte for byte (RFC 8601 §5). Through the built CLI.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { authservIdOf, removeOwnAuthResults } from "../../../mail/verify/own-auth-results.js";
import { runCli } from "../../support/mail-cli.js";

const FORGED = [
  "Authentication-Results: mx.other.org; xsmtp=pass header.j=alice@example.org\r\n",
  "Authentication-Results:   (forged) (nested (comment\\) here)) MX.Other.ORG ;\r\n xsmtp=pass\r\n",
  'Authentication-Results:\r\n "mx.other.org"; dkim=pass\r\n',
  "authentication-results: mx.other.org\r\n",
];
const KEPT = [
  "Authentication-Results: mx.other.org.evil; xsmtp=pass\r\n",
  "Authentication-Results: (mx.other.org) relay.example; spf=pass\r\n",
  "X-Authentication-Results: mx.other.org; xsmtp=pass\r\n",
  "Subject: Authentication-Results: mx.other.org;\r\n",
];

describe("our own Authentication-Results fields are removed (RFC 8601 §5)", () => {
  it("reads the authserv-id after CFWS", () => {
    assert.deepEqual(FORGED.map((f) => authservIdOf(Buffer.from(f))), ["mx.other.org", "mx.other.org", "mx.other.org", "mx.other.org"]);
    assert.deepEqual(KEPT.map((f) => authservIdOf(Buffer.from(f))), ["mx.other.org.evil", "relay.example", null, null]);
  });

  it("xsmtp verify --add-header drops the forged ones and keeps the rest byte for byte", async () => {
    const rest = "From: a@evil.example\r\nDate: x\r\n\r\nbody\r\n";
    const input = [FORGED[0], KEPT[0], FORGED[1], KEPT[1], FORGED[2], KEPT[2], FORGED[3], KEPT[3]].join("") + rest;
    const r = await runCli(["verify", "--add-header", "--authserv-id", "mx.other.org"], { XSMTP_VERIFIER_JID: "mx@other.org", XSMTP_VERIFIER_PASSWORD: "pw" }, input);
    assert.equal(r.stdout.toString(), 'Authentication-Results: mx.other.org; xsmtp=none reason="no-signature"\r\n' + KEPT.join("") + rest);
  });

  it("a hostile block of nested comments is scanned in linear time", () => {
    const head = Buffer.from(`Authentication-Results: ${"(".repeat(200_000)}\r\n\r\n`);
    const started = Date.now();
    assert.equal(removeOwnAuthResults(head, "mx.other.org").length, head.length);
    assert.ok(Date.now() - started < 500);
  });
});
