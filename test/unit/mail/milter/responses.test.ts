import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Protocol } from "../../../../mail/milter/milter-constants.js";
import { encodeDecision, encodeFallback } from "../../../../mail/milter/milter-decision.js";
import { expectsReply, GATEWAY_MACROS, GATEWAY_WANTS, negotiate } from "../../../../mail/milter/milter-negotiation.js";
import * as encode from "../../../../mail/milter/milter-responses.js";

const hex = (buffer: Buffer) => buffer.toString("hex");
const nul = (text: string) => Buffer.from(`${text}\0`).toString("hex");

describe("milter responses, byte for byte", () => {
  it("one-letter decisions", () => {
    assert.equal(hex(encode.encodeContinue()), "0000000163");
    assert.equal(hex(encode.encodeAccept()), "0000000161");
    assert.equal(hex(encode.encodeReject()), "0000000172");
    assert.equal(hex(encode.encodeTempfail()), "0000000174");
    assert.equal(hex(encode.encodeDiscard()), "0000000164");
    assert.equal(hex(encode.encodeProgress()), "0000000170");
  });

  it("REPLYCODE doubles '%', which Postfix turns back into one", () => {
    assert.equal(hex(encode.encodeReplyCode("550 5.7.1 100% forged")), "0000001879" + nul("550 5.7.1 100%% forged"));
  });

  it("INSHEADER at index 0, ADDHEADER, CHGHEADER with an empty value (delete), QUARANTINE", () => {
    assert.equal(hex(encode.encodeInsertHeader(0, "Authentication-Results", " mx; xsmtp=pass")), "0000002c69" + "00000000" + nul("Authentication-Results") + nul(" mx; xsmtp=pass"));
    assert.equal(hex(encode.encodeAddHeader("X-A", " b")), "0000000868" + nul("X-A") + nul(" b"));
    assert.equal(hex(encode.encodeChangeHeader(2, "Authentication-Results", "")), "0000001d6d" + "00000002" + nul("Authentication-Results") + "00");
    assert.equal(hex(encode.encodeQuarantine("forged")), "0000000871" + nul("forged"));
  });

  it("OPTNEG reply with and without macro lists", () => {
    assert.equal(hex(encode.encodeOptionReply({ version: 6, actions: 0x31, protocol: 0x18d3c2 })), "0000000d4f" + "00000006" + "00000031" + "0018d3c2");
    const withLists = encode.encodeOptionReply({ version: 6, actions: 0x131, protocol: 0, macroLists: [{ stage: 2, names: ["i", "{auth_authen}"] }] });
    assert.equal(hex(withLists), "000000214f" + "00000006" + "00000131" + "00000000" + "00000002" + nul("i {auth_authen}"));
  });

  it("checks reply codes the way Postfix does, and header names and values", () => {
    assert.equal(encode.checkReplyCode("550 5.7.1 Forged sender", "5"), undefined);
    assert.match(encode.checkReplyCode("451 4.7.1 later", "5") ?? "", /5xx/);
    assert.match(encode.checkReplyCode("550 4.7.1 mixed", "5") ?? "", /5\.x\.y/);
    assert.match(encode.checkReplyCode("550 5.7.1 two\r\nlines", "5") ?? "", /one line/);
    assert.match(encode.checkReplyCode("550-5.7.1 continued", "5") ?? "", /space/);
    assert.equal(encode.checkHeaderName("Authentication-Results"), undefined);
    assert.ok(encode.checkHeaderName("Bad Name"));
    assert.ok(encode.checkHeaderName("Bad:Name"));
    assert.equal(encode.checkHeaderValue(" a;\r\n\tb"), undefined);
    assert.ok(encode.checkHeaderValue(" a\nb"));
    assert.ok(encode.checkHeaderValue(" a\0"));
  });
});

describe("option negotiation", () => {
  const postfix = { version: 6, actions: 0x1ff, protocol: 0x1fffff };

  it("asks Postfix for headers, body, envelope and connect, with replies only at end of message", () => {
    const result = negotiate(postfix);
    assert.ok(typeof result !== "string");
    assert.deepEqual(result.negotiated, { version: 6, actions: 0x31, protocol: 0x18d3c2 });
    for (const kind of ["connect", "mail", "rcpt", "header", "body"] as const) assert.equal(expectsReply(kind, result.negotiated.protocol), false, kind);
    assert.equal(expectsReply("bodyEnd", result.negotiated.protocol), true);
    for (const kind of ["macro", "abort", "quit", "quitNewConnection"] as const) assert.equal(expectsReply(kind, result.negotiated.protocol), false, kind);
  });

  it("keeps only the flags an older MTA offers, and then replies to each step", () => {
    const result = negotiate({ version: 2, actions: 0x3f, protocol: 0x7f });
    assert.ok(typeof result !== "string");
    assert.equal(result.negotiated.version, 2);
    assert.equal(result.negotiated.protocol, Protocol.NOHELO | Protocol.NOEOH);
    assert.equal(expectsReply("header", result.negotiated.protocol), true);
  });

  it("refuses an MTA that does not offer the header actions", () => {
    const result = negotiate({ version: 6, actions: 0x01, protocol: 0x1fffff });
    assert.equal(typeof result, "string");
    assert.match(typeof result === "string" ? result : "", /0x30/);
  });

  it("asks for SETSYMLIST only with macro lists", () => {
    const result = negotiate(postfix, { ...GATEWAY_WANTS, macroLists: GATEWAY_MACROS });
    assert.ok(typeof result !== "string");
    assert.equal(result.negotiated.actions, 0x131);
    assert.equal(result.reply.macroLists?.length, 4);
  });
});

describe("end-of-message decisions", () => {
  const negotiated = { version: 6, actions: 0x31, protocol: 0x18d3c2 };
  const sent = (decision: Parameters<typeof encodeDecision>[0], with_ = negotiated) => {
    const result = encodeDecision(decision, with_);
    assert.ok(typeof result !== "string", typeof result === "string" ? result : "");
    return result.map(hex);
  };

  it("deletes forged fields, inserts on top with the leading space HDR_LEADSPC wants, then continues", () => {
    const replies = sent({
      actions: [
        { type: "deleteHeader", index: 1, name: "Authentication-Results" },
        { type: "insertHeader", index: 0, name: "Authentication-Results", value: "mx.example.test;\r\n\txsmtp=pass" },
        { type: "quarantine", reason: "suspect" },
      ],
      verdict: { type: "continue" },
    });
    assert.deepEqual(replies, [
      hex(encode.encodeChangeHeader(1, "Authentication-Results", "")),
      hex(encode.encodeInsertHeader(0, "Authentication-Results", " mx.example.test;\n\txsmtp=pass")),
      hex(encode.encodeQuarantine("suspect")),
      "0000000163",
    ]);
  });

  it("without HDR_LEADSPC drops one leading space, since Postfix adds it", () => {
    const replies = sent({ actions: [{ type: "addHeader", name: "X-A", value: " b" }], verdict: { type: "accept" } }, { ...negotiated, protocol: 0 });
    assert.deepEqual(replies, [hex(encode.encodeAddHeader("X-A", "b")), "0000000161"]);
  });

  it("rejects and tempfails with or without a reply text, sending no edits", () => {
    assert.deepEqual(sent({ verdict: { type: "reject", reply: "550 5.7.1 Forged" }, actions: [{ type: "addHeader", name: "X", value: "y" }] }), [hex(encode.encodeReplyCode("550 5.7.1 Forged"))]);
    assert.deepEqual(sent({ verdict: { type: "reject" } }), ["0000000172"]);
    assert.deepEqual(sent({ verdict: { type: "tempfail", reply: "451 4.7.1 Try later" } }), [hex(encode.encodeReplyCode("451 4.7.1 Try later"))]);
    assert.deepEqual(sent({ verdict: { type: "tempfail" } }), ["0000000174"]);
  });

  it("refuses a decision Postfix would refuse or that was not negotiated", () => {
    const refused = [
      { verdict: { type: "reject", reply: "451 4.7.1 wrong class" } },
      { verdict: { type: "continue" }, actions: [{ type: "insertHeader", index: -1, name: "A", value: "b" }] },
      { verdict: { type: "continue" }, actions: [{ type: "deleteHeader", index: 0, name: "A" }] },
      { verdict: { type: "continue" }, actions: [{ type: "changeHeader", index: 1, name: "A", value: " " }] },
      { verdict: { type: "continue" }, actions: [{ type: "addHeader", name: "A B", value: "b" }] },
      { verdict: { type: "continue" }, actions: [{ type: "addHeader", name: "A", value: "b\0" }] },
      { verdict: { type: "continue" }, actions: [{ type: "quarantine", reason: "two\n lines" }] },
    ] as const;
    for (const decision of refused) assert.equal(typeof encodeDecision(decision as never, negotiated), "string", JSON.stringify(decision));
    assert.equal(typeof encodeDecision({ verdict: { type: "continue" }, actions: [{ type: "quarantine", reason: "x" }] }, { ...negotiated, actions: 0x11 }), "string");
  });

  it("falls back to a plain tempfail when the fallback itself is invalid", () => {
    assert.deepEqual(encodeFallback({ verdict: { type: "reject", reply: "bad" } }, negotiated).map(hex), ["0000000174"]);
    assert.deepEqual(encodeFallback({ verdict: { type: "accept" } }, negotiated).map(hex), ["0000000161"]);
  });
});
