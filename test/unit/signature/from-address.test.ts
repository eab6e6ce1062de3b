// References: RFC 5322 §3.4 (address lists), PROTOCOL.md §3.2 (bounded,
// linear parsing), §5 (an unparsed From is never authorized).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fc from "fast-check";
import { fromAddresses, MAX_ADDRESS_ELEMENT_CHARS } from "../../../protocol/mail-address.js";

const require = createRequire(import.meta.url);
const addressparser = require("nodemailer/lib/addressparser") as (text: string, options: { flatten: true }) => { address?: string }[];
const RUNS = 1000;

test("fromAddresses: an element up to the cap is parsed; one past it refuses the whole value", () => {
  const name = (n: number): string => `"${"n".repeat(n - 2)}"`;
  const within = `${name(MAX_ADDRESS_ELEMENT_CHARS - 20)} <alice@example.org>`;
  assert.ok(within.length <= MAX_ADDRESS_ELEMENT_CHARS);
  assert.deepEqual(fromAddresses(`${within}, bob@example.net`), ["alice@example.org", "bob@example.net"]);
  const beyond = `${name(MAX_ADDRESS_ELEMENT_CHARS)} <mallory@example.com>`;
  assert.deepEqual(fromAddresses(`alice@example.org, ${beyond}`), []);
  // Long lists of short mailboxes are not refused: the cap is per element.
  assert.equal(fromAddresses("a@example.org, ".repeat(5000)).length, 5000);
});

test("fromAddresses splits where addressparser does: not inside quotes, comments, angle brackets or groups", () => {
  assert.deepEqual(fromAddresses('"Doe, John" <john@example.org>'), ["john@example.org"]);
  assert.deepEqual(fromAddresses('"a\\", b" <x@example.org>, y@example.org'), ["x@example.org", "y@example.org"]);
  assert.deepEqual(fromAddresses("(a, b) x@example.org; y@example.org"), ["x@example.org", "y@example.org"]);
  assert.deepEqual(fromAddresses("Team: a@example.org, b@example.org;, c@example.org"), ["a@example.org", "b@example.org", "c@example.org"]);
  assert.deepEqual(fromAddresses("Joe Foo, PhD <joe@example.com>"), ["joe@example.com"]);
});

test("fromAddresses, parsing element by element, finds what addressparser finds in the whole value", () => {
  const piece = fc.constantFrom('"', "\\", "(", ")", "<", ">", ",", ";", ":", " ", "\r\n ", "Al", "a@example.org", "b@x.net", "@", ".", "'");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join("")), (text) => {
      const whole = addressparser(text.replace(/\r?\n/g, ""), { flatten: true })
        .map((m) => (m.address ?? "").trim().toLowerCase())
        .filter((a) => a.includes("@"));
      assert.deepEqual(fromAddresses(text), whole);
    }),
    { numRuns: RUNS },
  );
});
