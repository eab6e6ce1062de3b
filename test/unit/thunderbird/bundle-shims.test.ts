/**
 * The node: shims the add-on bundle uses must give what Node gives for the
 * shared code's calls: SHA-256 and HMAC (the §9 vector), isUtf8, and
 * domainToASCII for the names protocol/domains.ts passes.
 */
import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import { createHash, createHmac } from "node:crypto";
import { domainToASCII } from "node:url";
import { describe, it } from "node:test";

const SHIMS = "../../../../thunderbird/build/shims/";
type CryptoShim = typeof import("node:crypto");
const load = async <T>(name: string): Promise<T> => (await import(new URL(SHIMS + name, import.meta.url).href)) as T;

describe("the add-on bundle's node: shims", () => {
  it("SHA-256 and HMAC-SHA256 equal node:crypto's", async () => {
    const shim = await load<CryptoShim>("node-crypto.js");
    for (const input of ["", "Hi Bob,\r\n\r\nlunch at noon?\r\n", "é".repeat(1000)]) {
      assert.equal(shim.createHash("sha256").update(input).digest("base64"), createHash("sha256").update(input).digest("base64"));
      const key = Buffer.from("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM", "base64url");
      assert.equal(shim.createHmac("sha256", key).update(input, "utf8").digest("base64"), createHmac("sha256", key).update(input, "utf8").digest("base64"));
    }
    assert.equal(shim.timingSafeEqual(Buffer.from("ab"), Buffer.from("ab")), true);
    assert.equal(shim.timingSafeEqual(Buffer.from("ab"), Buffer.from("ac")), false);
  });

  it("isUtf8 agrees with node:buffer", async () => {
    const shim = await load<{ isUtf8(b: Uint8Array): boolean }>("node-buffer.js");
    for (const bytes of [[0x41], [0xc3, 0xa9], [0xc3], [0xff], [0xef, 0xbb, 0xbf, 0x41], [0xed, 0xa0, 0x80], []]) {
      assert.equal(shim.isUtf8(Uint8Array.from(bytes)), isUtf8(Uint8Array.from(bytes)), JSON.stringify(bytes));
    }
  });

  it("domainToASCII agrees with node:url on names and non-names", async () => {
    const shim = await load<{ domainToASCII(d: string): string }>("node-url.js");
    for (const name of ["example.org", "EXAMPLE.Org", "bücher.example", "xn--bcher-kva.example", "exämple.org", "xn--zz.org", "1.2.3", "a b", "a@b", "a:1", ""]) {
      assert.equal(shim.domainToASCII(name), domainToASCII(name), name);
    }
    assert.equal(shim.domainToASCII("a/b"), "", "stricter than Node, which answers 'a'");
  });
});
