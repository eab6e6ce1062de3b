/**
 * protocol/ keeps its pure files pure: namespaces, node names, events,
 * outcomes, date-times, JIDs, domains and addresses import no XML library,
 * so a core can use them and stay XML-free; only the payload files, which
 * build and read stanzas for both sides, import @xmpp/xml.
 *
 * References: README "Code layout"; issue 12 item 2.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";

const dir = new URL("../../../../protocol/", import.meta.url);
const PAYLOADS = ["progress-payload.ts", "verification-answer.ts", "verify-request.ts"];

describe("protocol/: XML only in the payload files", () => {
  it("no other protocol file imports an XML library", () => {
    const withXml = readdirSync(dir)
      .filter((name) => name.endsWith(".ts"))
      .filter((name) => /from "(@xmpp\/|ltx)/.test(readFileSync(new URL(name, dir), "utf8")))
      .sort();
    assert.deepEqual(withXml, PAYLOADS);
  });
});
