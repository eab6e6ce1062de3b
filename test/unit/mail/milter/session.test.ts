import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MilterPacketDecoder } from "../../../../mail/milter/milter-codec.js";
import type { MilterDecision } from "../../../../mail/milter/milter-decision.js";
import type { MilterMessage } from "../../../../mail/milter/milter-message.js";
import { parseCommand } from "../../../../mail/milter/milter-messages.js";
import * as encode from "../../../../mail/milter/milter-responses.js";
import { MilterSession, type MilterPolicy, type SessionOptions, type SessionOutput } from "../../../../mail/milter/milter-session.js";
import * as bytes from "../../../support/milter-postfix-bytes.js";

interface Seen {
  queueId?: string;
  daemon?: string;
  authen?: string;
  client?: string;
  sender?: string;
  recipients: string[];
  rcptMacro?: string;
  headers: string[];
  body: string;
}

function snapshot(message: MilterMessage): Seen {
  return {
    queueId: message.macro("i"),
    daemon: message.macro("{daemon_name}"),
    authen: message.macro("auth_authen"),
    client: message.client?.address,
    sender: message.sender?.address,
    recipients: message.recipients.map((r) => r.address),
    rcptMacro: message.recipients[0]?.macros.get("rcpt_addr"),
    headers: message.headers.map((h) => `${h.name}:${h.value}`),
    body: Buffer.concat(message.body).toString(),
  };
}

const ON_TOP: MilterDecision = {
  actions: [
    { type: "deleteHeader", index: 1, name: "Authentication-Results" },
    { type: "insertHeader", index: 0, name: "Authentication-Results", value: "mx.example.test; xsmtp=pass" },
  ],
  verdict: { type: "continue" },
};

function recordingPolicy(decision: MilterDecision = ON_TOP): MilterPolicy & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, endOfMessage: async (message) => (seen.push(snapshot(message)), decision) };
}

/** Runs Postfix's bytes through decoder, parser and session, as the server does. */
async function play(session: MilterSession, input: Buffer): Promise<{ replies: Buffer; outputs: SessionOutput[] }> {
  const decoded = new MilterPacketDecoder().push(input);
  assert.ok(typeof decoded !== "string");
  const outputs: SessionOutput[] = [];
  for (const packet of decoded) {
    const parsed = parseCommand(packet);
    assert.ok(typeof parsed !== "string");
    const output = await session.handle(parsed);
    outputs.push(output);
    if (output.close) break;
  }
  return { replies: Buffer.concat(outputs.flatMap((o) => o.replies)), outputs };
}

const session = (options: Partial<SessionOptions> & Pick<SessionOptions, "policy">) => new MilterSession(options);
const OPTNEG_REPLY = encode.encodeOptionReply({ version: 6, actions: 0x31, protocol: 0x18d3c2 });
const HANDSHAKE = Buffer.concat([bytes.OPTNEG, bytes.MACRO_CONNECT, bytes.CONNECT_IPV4, bytes.MACRO_HELO]);
const decisionBytes = Buffer.concat([
  encode.encodeChangeHeader(1, "Authentication-Results", ""),
  encode.encodeInsertHeader(0, "Authentication-Results", " mx.example.test; xsmtp=pass"),
  encode.encodeContinue(),
]);

describe("milter session against Postfix's byte sequence", () => {
  it("negotiates, stays silent until end of message, then edits headers — for two messages on one connection", async () => {
    const policy = recordingPolicy();
    const { replies, outputs } = await play(session({ policy }), bytes.postfixConnection());
    assert.deepEqual(replies, Buffer.concat([OPTNEG_REPLY, decisionBytes, decisionBytes]));
    assert.equal(outputs.at(-1)?.close, "quit");
    assert.equal(policy.seen.length, 2);
    const [first, second] = policy.seen;
    assert.deepEqual(first, {
      queueId: "4ABC1",
      daemon: "ORIGINATING",
      authen: "alice",
      client: "127.0.0.1",
      sender: "alice@example.org",
      recipients: ["bob@example.net"],
      rcptMacro: "bob@example.net",
      headers: ["From: Alice <alice@example.org>", "Subject: first", "Authentication-Results: mx.example.test;\n\tforged=pass"],
      body: "Hello.\r\n",
    });
    assert.equal(second.queueId, "4ABC2", "message macros do not leak from the first message");
    assert.equal(second.daemon, "ORIGINATING", "connection macros last");
    assert.deepEqual(second.headers[1], "Subject: second");
  });

  it("ABORT in the middle of a message forgets it; the next message starts clean", async () => {
    const policy = recordingPolicy();
    // Handshake (4 packets), then the first message up to its first header and the macros after it (8 packets).
    const decoded = new MilterPacketDecoder().push(Buffer.concat([HANDSHAKE, bytes.postfixMessage("4AB0", "aborted")]));
    assert.ok(typeof decoded !== "string");
    const prefix = Buffer.concat(decoded.slice(0, 12).map((p) => bytes.frame(p.code, p.data)));
    const { replies } = await play(session({ policy }), Buffer.concat([prefix, bytes.ABORT, bytes.postfixMessage("4AB1", "kept"), bytes.QUIT]));
    assert.deepEqual(replies, Buffer.concat([OPTNEG_REPLY, decisionBytes]));
    assert.equal(policy.seen.length, 1);
    assert.equal(policy.seen[0].queueId, "4AB1");
    assert.equal(policy.seen[0].headers.length, 3);
  });

  it("QUIT after any packet closes quietly, without asking the policy", async () => {
    const decoded = new MilterPacketDecoder().push(bytes.postfixConnection());
    assert.ok(typeof decoded !== "string");
    const firstEom = decoded.findIndex((p) => p.code === "E");
    for (let cut = 0; cut < firstEom; cut++) {
      const policy = recordingPolicy();
      const prefix = Buffer.concat(decoded.slice(0, cut).map((p) => bytes.frame(p.code, p.data)));
      const { replies, outputs } = await play(session({ policy }), Buffer.concat([prefix, bytes.QUIT]));
      assert.equal(outputs.at(-1)?.close, "quit", `QUIT after ${cut} packets`);
      assert.deepEqual(replies, cut === 0 ? Buffer.alloc(0) : OPTNEG_REPLY);
      assert.equal(policy.seen.length, 0);
    }
  });

  it("replies continue to each step when the MTA offered no NR_* flags (protocol version 2)", async () => {
    const v2 = Buffer.from("0000000d4f00000002000000310000007f", "hex");
    const input = Buffer.concat([v2, bytes.CONNECT_IPV4, bytes.MAIL, bytes.RCPT("b@x"), bytes.HEADER("Subject", "hi"), bytes.frame("N"), bytes.BODY("x\r\n"), bytes.BODYEOB]);
    const { replies } = await play(session({ policy: recordingPolicy({ verdict: { type: "accept" } }) }), input);
    const continues = Buffer.concat(Array.from({ length: 6 }, () => encode.encodeContinue()));
    assert.deepEqual(replies, Buffer.concat([encode.encodeOptionReply({ version: 2, actions: 0x31, protocol: 0x42 }), continues, encode.encodeAccept()]));
  });
});

describe("milter session errors close only this connection", () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ["CONNECT before OPTNEG", bytes.CONNECT_IPV4, /not allowed while negotiate/],
    ["MACRO before OPTNEG", bytes.MACRO_CONNECT, /before option negotiation/],
    ["a second OPTNEG", Buffer.concat([bytes.OPTNEG, bytes.OPTNEG]), /second time/],
    ["HEADER before MAIL", Buffer.concat([bytes.OPTNEG, bytes.CONNECT_IPV4, bytes.HEADER("A", "b")]), /header not allowed while idle/],
    ["RCPT before MAIL", Buffer.concat([bytes.OPTNEG, bytes.CONNECT_IPV4, bytes.RCPT("b@x")]), /rcpt/],
    ["an MTA without header actions", Buffer.from("0000000d4f00000006000000010000007f", "hex"), /does not offer actions/],
  ];
  for (const [name, input, pattern] of cases) {
    it(name, async () => {
      const { outputs } = await play(session({ policy: recordingPolicy() }), input);
      const last = outputs.at(-1)!;
      assert.equal(last.close, "error");
      assert.match(last.error ?? "", pattern);
    });
  }
});

describe("milter session and its policy", () => {
  const oneMessage = (body = "Hello.\r\n") => Buffer.concat([HANDSHAKE, bytes.postfixMessage("Q1", "s", body)]);

  it("answers tempfail when the policy throws, and says why", async () => {
    const { outputs, replies } = await play(session({ policy: { endOfMessage: async () => Promise.reject(new Error("xmpp down")) } }), oneMessage());
    assert.deepEqual(replies, Buffer.concat([OPTNEG_REPLY, encode.encodeTempfail()]));
    assert.match(String(outputs.at(-1)?.policyError), /xmpp down/);
  });

  it("answers the configured fallback when the decision is invalid", async () => {
    const policy = recordingPolicy({ verdict: { type: "reject", reply: "250 ok" } });
    const { outputs, replies } = await play(session({ policy, onPolicyError: { verdict: { type: "accept" } } }), oneMessage());
    assert.deepEqual(replies, Buffer.concat([OPTNEG_REPLY, encode.encodeAccept()]));
    assert.match(String(outputs.at(-1)?.policyError), /refused/);
  });

  it("streams body chunks to bodyChunk and keeps none itself; a failing bodyChunk ends in the fallback", async () => {
    const chunks: string[] = [];
    let bodyKept = -1;
    const streaming: MilterPolicy = { bodyChunk: (chunk) => void chunks.push(chunk.toString()), endOfMessage: async (m) => ((bodyKept = m.body.length), { verdict: { type: "continue" } }) };
    await play(session({ policy: streaming }), oneMessage("a\r\nb\r\n"));
    assert.deepEqual(chunks, ["a\r\nb\r\n"]);
    assert.equal(bodyKept, 0);
    const failing: MilterPolicy = { bodyChunk: () => { throw new Error("disk full"); }, endOfMessage: async () => ({ verdict: { type: "accept" } }) };
    const { replies } = await play(session({ policy: failing }), oneMessage());
    assert.deepEqual(replies, Buffer.concat([OPTNEG_REPLY, encode.encodeTempfail()]));
  });

  it("bounds the kept body and headers, and says they were cut", async () => {
    let seen: MilterMessage | undefined;
    const policy: MilterPolicy = { endOfMessage: async (m) => ((seen = { ...m, macro: m.macro }), { verdict: { type: "continue" } }) };
    await play(session({ policy, limits: { maxBodyBytes: 4, maxHeaderBytes: 30 } }), oneMessage("12345\r\n"));
    assert.equal(seen?.bodyTruncated, true);
    assert.equal(seen?.bodyBytes, 7);
    assert.equal(seen?.headersTruncated, true);
    assert.equal(seen?.headers.length, 1);
  });

  it("gives a recipient only the macros sent for it, not those of an earlier stage", async () => {
    let recipientMacros: string[] = [];
    const policy: MilterPolicy = { endOfMessage: async (m) => ((recipientMacros = m.recipients.map((r) => [...r.macros.keys()].join(","))), { verdict: { type: "accept" } }) };
    const input = Buffer.concat([HANDSHAKE, bytes.MACRO_MAIL("Q3"), bytes.MAIL, bytes.MACRO_RCPT("a@x"), bytes.RCPT("a@x"), bytes.RCPT("b@x"), bytes.BODYEOB]);
    await play(session({ policy }), input);
    assert.deepEqual(recipientMacros, ["rcpt_addr", ""]);
  });

  it("QUIT_NC forgets the client and waits for a new CONNECT", async () => {
    const policy = recordingPolicy();
    const input = Buffer.concat([HANDSHAKE, bytes.frame("K"), bytes.CONNECT_UNIX, bytes.postfixMessage("Q2", "s")]);
    await play(session({ policy }), input);
    assert.equal(policy.seen[0].client, "/var/run/smtp.sock");
    assert.equal(policy.seen[0].daemon, undefined);
  });
});
