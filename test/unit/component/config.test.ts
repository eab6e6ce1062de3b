import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../../component/config/config.js";

const base = { XSMTP_SERVICE: "xmpp://127.0.0.1:5347", XSMTP_DOMAIN: "xsmtp.example.org", XSMTP_SECRET: "s" };

describe("configuration", () => {
  it("defaults user domains to the parent of the component JID", () => {
    const config = loadConfig({ env: base, require: "component" });
    assert.deepEqual(config.userDomains, ["example.org"]);
    assert.equal(config.database, "./xsmtp.sqlite");
    assert.equal(config.maxSignatureAge, 2592000);
    assert.equal(config.verifyRate, 600);
  });

  it("a missing setting is named in the error", () => {
    assert.throws(
      () => loadConfig({ env: { ...base, XSMTP_SECRET: "" }, require: "component" }),
      (err: Error) => err instanceof ConfigError && /XSMTP_SECRET is not set/.test(err.message),
    );
  });

  it("an invalid setting is named in the error", () => {
    assert.throws(
      () => loadConfig({ env: { ...base, XSMTP_SERVICE: "localhost" }, require: "component" }),
      /XSMTP_SERVICE is invalid/,
    );
    assert.throws(() => loadConfig({ env: { ...base, XSMTP_VERIFY_RATE: "-3" }, require: "component" }), /XSMTP_VERIFY_RATE/);
    assert.throws(() => loadConfig({ env: { ...base, XSMTP_ADMINS: "not a jid" }, require: "component" }), /XSMTP_ADMINS/);
  });

  it("the secret's value never appears in an error", () => {
    // Only parse failures echo values; make sure no code path echoes the secret.
    const err = (() => {
      try {
        loadConfig({ env: { ...base, XSMTP_SERVICE: "bad", XSMTP_SECRET: "hunter2" }, require: "component" });
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(err);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it("reads a KEY=value file, and the environment wins over it", () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-config-"));
    const file = join(dir, "xsmtp.conf");
    writeFileSync(file, "# comment\nXSMTP_SERVICE=xmpp://127.0.0.1:5347\nXSMTP_DOMAIN=xsmtp.example.net\nXSMTP_SECRET=x\nXSMTP_ADMINS=root@example.net\n");
    const config = loadConfig({ file, env: { XSMTP_ADMINS: "boss@example.net" }, require: "component" });
    assert.equal(config.domain, "xsmtp.example.net");
    assert.deepEqual(config.admins, ["boss@example.net"]);
    assert.deepEqual(config.userDomains, ["example.net"]);
  });

  it("an unknown key in the file is an error, not silently ignored", () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-config-"));
    const file = join(dir, "xsmtp.conf");
    writeFileSync(file, "XSMTP_DOMIAN=typo.example.org\n");
    assert.throws(() => loadConfig({ file, env: {}, require: "store" }), /unknown key XSMTP_DOMIAN/);
  });

  it("the sample config file in the repository loads", () => {
    const file = new URL("../../../../xsmtp.example.conf", import.meta.url).pathname;
    const config = loadConfig({ file, env: {}, require: "component" });
    assert.equal(config.domain, "xsmtp.example.org");
  });
});
