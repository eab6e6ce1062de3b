/**
 * `xsmtp verify` through the built CLI, for everything decided without a
 * service: no signature (2), malformed (2), body hash mismatch (1), server
 * unreachable (3), --add-header output, --batch lines; and the
 * Authentication-Results grammar (RFC 8601 §2.2).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { renderAuthResults } from "../../../mail/verify/auth-results.js";
import { runCli, SIGNER_ENV } from "../../support/mail-cli.js";

const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const VERIFIER = { XSMTP_VERIFIER_JID: "mx@other.org", XSMTP_VERIFIER_PASSWORD: "pw-never-shown" };
const verify = (input: Buffer | string, args: string[] = [], env: Record<string, string> = VERIFIER) => runCli(["verify", ...args], env, input);
let signed: Buffer;
const unfold = (b: Buffer) => b.toString().replace(/\r?\n /g, " ");

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("xsmtp verify without a service", () => {
  before(async () => {
    const r = await runCli(["sign"], SIGNER_ENV, readFileSync(new URL("multipart-attachment.eml", FIXTURES)));
    signed = r.stdout;
  });

  it("no X-XMPP-Hash: xsmtp=none, exit 2", async () => {
    const r = await verify(readFileSync(new URL("lf-only.eml", FIXTURES)));
    assert.equal(r.code, 2);
    assert.equal(r.stdout.toString(), 'Authentication-Results: other.org; xsmtp=none reason="no-signature"\n');
  });

  it("a malformed X-XMPP-Hash: permerror, exit 2", async () => {
    const r = await verify("X-XMPP-Hash: v=1; a=hmac-sha256\r\nFrom: a@b\r\n\r\nx\r\n");
    assert.equal(r.code, 2);
    assert.match(unfold(r.stdout), /xsmtp=permerror reason="malformed-signature"/);
  });

  it("a changed body: fail body-hash-mismatch, exit 1, without asking anyone", async () => {
    const tampered = Buffer.from(signed.toString("latin1").replace("the report is attached", "the report is NOT attached"), "latin1");
    const r = await verify(tampered, ["--server", "xmpp://127.0.0.1:1"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout.toString(),
      'Authentication-Results: other.org; xsmtp=fail reason="body-hash-mismatch"\n header.j=alice@example.org header.k=laptop header.from=alice@example.org\n policy.from-aligned=yes\n',
    );
    assert.equal(r.stderr, "", "no connection was attempted");
  });

  it("the server unreachable: temperror, exit 3, password never shown", async () => {
    const r = await verify(signed, ["--server", `xmpp://127.0.0.1:${await deadPort()}`, "--authserv-id", "mx.other.org"]);
    assert.equal(r.code, 3);
    assert.match(unfold(r.stdout), /^Authentication-Results: mx\.other\.org; xsmtp=temperror reason="server-unreachable"/);
    assert.ok(!r.stderr.includes("pw-never-shown") && !r.stdout.includes("pw-never-shown"));
  });

  it("no verifier account configured: temperror, exit 3, and says what is missing", async () => {
    const r = await verify(signed, [], {});
    assert.equal(r.code, 3);
    assert.match(r.stderr, /XSMTP_VERIFIER_JID/);
  });

  it("--add-header writes the whole message after the field, in its line ending", async () => {
    const original = readFileSync(new URL("lf-only.eml", FIXTURES));
    const r = await verify(original, ["--add-header"]);
    assert.equal(r.code, 2);
    assert.ok(r.stdout.equals(Buffer.concat([Buffer.from('Authentication-Results: other.org; xsmtp=none reason="no-signature"\n'), original])));
    const crlf = await verify(signed, ["--add-header", "--server", "xmpp://127.0.0.1:1"]);
    assert.ok(crlf.stdout.subarray(crlf.stdout.length - signed.length).equals(signed));
    assert.match(crlf.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=temperror[^\n]*\r\n /);
  });

  it("--batch prints one line per file and exits with the highest code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-batch-"));
    writeFileSync(join(dir, "a-unsigned.eml"), readFileSync(new URL("lf-only.eml", FIXTURES)));
    writeFileSync(join(dir, "b-tampered.eml"), Buffer.concat([signed, Buffer.from("extra line\r\n")]));
    const r = await verify("", ["--batch", dir]);
    assert.equal(r.stdout.toString(), "a-unsigned.eml\tnone\tno-signature\nb-tampered.eml\tfail\tbody-hash-mismatch\n");
    assert.equal(r.code, 2);
  });

  it("--report accepts only delivered or read", async () => {
    assert.equal((await verify(signed, ["--report", "submitted"])).code, 2);
  });
});

describe("Authentication-Results rendering (RFC 8601 §2.2)", () => {
  it("quotes what is not a token or an address, folds near 78 columns, and uses the policy ptype for the service's judgements", () => {
    const field = renderAuthResults("mx.other.org", {
      result: "pass",
      jid: "alice@example.org",
      keyId: "laptop",
      from: '"odd local"@example.org',
      fromAuthorized: false,
      replaySuspected: true,
    });
    assert.equal(
      field,
      'Authentication-Results: mx.other.org; xsmtp=pass header.j=alice@example.org\r\n header.k=laptop header.from="\\"odd local\\"@example.org"\r\n policy.from-authorized=no policy.replay=suspected',
    );
    for (const line of field.split("\r\n")) assert.ok(line.length <= 78, line);
  });
});
