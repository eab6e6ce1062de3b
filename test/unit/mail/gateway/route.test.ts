/**
 * Which way a message goes, from plain facts; and the XSMTP_MILTER_*
 * settings as the configuration loader reads them.
 *
 * References: PROTOCOL.md §1; OpenDKIM InternalHosts; Postfix SASL_README, MILTER_README.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../../../component/config/config.js";
import { internalHosts, loginIs, route, type MessageFacts } from "../../../../mail/gateway/route.js";

const deps = { internal: internalHosts(["127.0.0.0/8", "::1", "2001:db8::/32", "192.0.2.7"]), identityFor: (a: string) => (a === "alice@example.org" ? "alice@example.org" : undefined) };
const facts = (more: Partial<MessageFacts>): MessageFacts => ({ fromAddresses: ["alice@example.org"], hasSignature: false, ...more });

describe("gateway: routing", () => {
  it("signs from internal hosts (IPv4, IPv6, CIDR, single address), SASL logins of the identity, ORIGINATING", () => {
    for (const clientAddress of ["127.0.0.1", "::1", "2001:db8::25", "192.0.2.7"]) assert.deepEqual(route(facts({ clientAddress }), deps), { kind: "sign", jid: "alice@example.org" }, clientAddress);
    assert.deepEqual(route(facts({ clientAddress: "198.51.100.1", login: "Alice@example.org" }), deps), { kind: "sign", jid: "alice@example.org" });
    assert.deepEqual(route(facts({ clientAddress: "198.51.100.1", daemonName: "ORIGINATING" }), deps), { kind: "sign", jid: "alice@example.org" });
  });

  it("verifies signed mail from outside, and outgoing mail it may not sign; passes the rest", () => {
    assert.deepEqual(route(facts({ clientAddress: "192.0.2.8", hasSignature: true }), deps), { kind: "verify" });
    assert.deepEqual(route(facts({ clientAddress: "127.0.0.1", login: "bob", hasSignature: true }), deps), { kind: "verify" });
    assert.equal(route(facts({ clientAddress: "192.0.2.8" }), deps).kind, "pass");
    assert.equal(route(facts({ clientAddress: "127.0.0.1", fromAddresses: ["alice@example.org", "x@example.org"] }), deps).kind, "pass");
    assert.equal(route(facts({ clientAddress: "127.0.0.1", fromAddresses: ["carol@example.org"] }), deps).kind, "pass");
    assert.equal(route(facts({ clientAddress: "/run/socket" }), { ...deps, internal: internalHosts([]) }).kind, "pass");
  });

  it("a login names an identity by its bare JID or its local part", () => {
    assert.ok(loginIs("alice", "alice@example.org") && loginIs("ALICE@example.org", "alice@example.org"));
    assert.ok(!loginIs("alice@other.org", "alice@example.org") && !loginIs("bob", "alice@example.org"));
  });

  it("the settings: defaults, none, and invalid values named", () => {
    const base = { XSMTP_DOMAIN: "xsmtp.example.org" };
    const config = loadConfig({ env: base, require: "store" });
    assert.deepEqual([config.milter, config.milterInternalHosts, config.milterOnFail, config.milterOnTemperror], [undefined, ["127.0.0.0/8", "::1"], "mark", "accept"]);
    assert.deepEqual(loadConfig({ env: { ...base, XSMTP_MILTER_INTERNAL_HOSTS: "none" }, require: "store" }).milterInternalHosts, []);
    assert.equal(loadConfig({ env: { ...base, XSMTP_MILTER: "unix:/run/xsmtp/milter.sock", XSMTP_MILTER_ON_FAIL: "Reject" }, require: "store" }).milterOnFail, "reject");
    for (const [key, value] of [["XSMTP_MILTER", "8891"], ["XSMTP_MILTER_INTERNAL_HOSTS", "10.0.0.0/33"], ["XSMTP_MILTER_ON_FAIL", "drop"], ["XSMTP_MILTER_ON_TEMPERROR", "reject"]] as const) {
      assert.throws(() => loadConfig({ env: { ...base, [key]: value }, require: "store" }), new RegExp(`${key} is invalid`));
    }
  });
});
