import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MilterPacketDecoder } from "../../../../mail/milter/milter-codec.js";
import { parseCommand, type ParseResult } from "../../../../mail/milter/milter-messages.js";
import * as bytes from "../../../support/milter-postfix-bytes.js";

function parse(packet: Buffer): ParseResult {
  const decoded = new MilterPacketDecoder().push(packet);
  assert.ok(typeof decoded !== "string" && decoded.length === 1);
  return parseCommand(decoded[0]);
}
function command(packet: Buffer) {
  const result = parse(packet);
  assert.ok(typeof result !== "string", typeof result === "string" ? result : "");
  return result;
}
function error(packet: Buffer): string {
  const result = parse(packet);
  assert.equal(typeof result, "string");
  return typeof result === "string" ? result : "";
}

describe("milter command payloads as Postfix sends them", () => {
  it("OPTNEG: version 6, actions 0x1ff, protocol 0x1fffff", () => {
    assert.deepEqual(command(bytes.OPTNEG), { kind: "optneg", version: 6, actions: 0x1ff, protocol: 0x1fffff });
  });

  it("MACRO: the event letter, then name/value pairs with braces as configured", () => {
    const macro = command(bytes.MACRO_CONNECT);
    assert.equal(macro.kind, "macro");
    assert.ok(macro.kind === "macro");
    assert.equal(macro.stage, "C");
    assert.deepEqual(macro.macros[1], ["{daemon_name}", "ORIGINATING"]);
    assert.deepEqual(macro.macros[2], ["{daemon_addr}", "127.0.0.1"]);
    assert.equal(macro.macros.length, 5);
    assert.deepEqual(command(bytes.MACRO_HELO), { kind: "macro", stage: "H", macros: [["{tls_version}", ""]] });
    assert.deepEqual(command(bytes.frame("D", "E")), { kind: "macro", stage: "E", macros: [] });
  });

  it("CONNECT over IPv4, IPv6, a UNIX socket and an unknown family", () => {
    assert.deepEqual(command(bytes.CONNECT_IPV4), { kind: "connect", hostname: "localhost", family: "4", port: 54321, address: "127.0.0.1" });
    assert.deepEqual(command(bytes.CONNECT_IPV6), { kind: "connect", hostname: "mail.example.org", family: "6", port: 50000, address: "2001:db8::25" });
    assert.deepEqual(command(bytes.CONNECT_UNIX), { kind: "connect", hostname: "localhost", family: "L", port: 0, address: "/var/run/smtp.sock" });
    assert.deepEqual(command(bytes.CONNECT_UNKNOWN), { kind: "connect", hostname: "[unknown]", family: "U" });
  });

  it("MAIL and RCPT: the address in brackets, then ESMTP parameters", () => {
    assert.deepEqual(command(bytes.MAIL), { kind: "mail", args: ["<alice@example.org>", "SIZE=321", "BODY=8BITMIME"] });
    assert.deepEqual(command(bytes.RCPT("bob@example.net")), { kind: "rcpt", args: ["<bob@example.net>"] });
    assert.deepEqual(command(bytes.frame("M", "<>\0")), { kind: "mail", args: ["<>"] });
  });

  it("HEADER keeps the leading space and the LF of a folded value; raw holds the exact bytes", () => {
    const header = command(bytes.HEADER("Authentication-Results", " mx.example.test;\n\tforged=pass"));
    assert.ok(header.kind === "header");
    assert.equal(header.name, "Authentication-Results");
    assert.equal(header.value, " mx.example.test;\n\tforged=pass");
    assert.deepEqual(header.raw, Buffer.from(" mx.example.test;\n\tforged=pass"));
    const utf8 = command(bytes.frame("L", "Subject\0", Buffer.from(" Grüße"), "\0"));
    assert.ok(utf8.kind === "header" && utf8.value === " Grüße");
  });

  it("BODY keeps bytes as they are; BODYEOB, ABORT, QUIT, QUIT_NC, DATA and EOH carry nothing", () => {
    assert.deepEqual(command(bytes.BODY("Hi\r\n")), { kind: "body", chunk: Buffer.from("Hi\r\n") });
    assert.deepEqual(command(bytes.BODYEOB), { kind: "bodyEnd", chunk: Buffer.alloc(0) });
    assert.deepEqual(command(bytes.ABORT), { kind: "abort" });
    assert.deepEqual(command(bytes.QUIT), { kind: "quit" });
    assert.deepEqual(command(bytes.frame("K")), { kind: "quitNewConnection" });
    assert.deepEqual(command(bytes.frame("T")), { kind: "data" });
    assert.deepEqual(command(bytes.frame("N")), { kind: "eoh" });
    assert.deepEqual(command(bytes.frame("H", "client.example.org\0")), { kind: "helo", hostname: "client.example.org" });
    assert.deepEqual(command(bytes.frame("U", "XFOO bar\0")), { kind: "unknown", line: "XFOO bar" });
  });
});

describe("malformed milter payloads give an error value", () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ["unknown command", bytes.frame("Z"), /unknown command 0x5a/],
    ["short OPTNEG", bytes.frame("O", Buffer.alloc(11)), /OPTNEG needs 12 bytes/],
    ["MACRO with a name but no value", bytes.frame("D", "C", "j\0"), /pairs/],
    ["MACRO without the final NUL", bytes.frame("D", "C", "j\0x"), /pairs/],
    ["MACRO without a stage", bytes.frame("D"), /stage/],
    ["CONNECT without family", bytes.frame("C", "localhost\0"), /family/],
    ["CONNECT with an unknown family", bytes.frame("C", "localhost\0", "9", "\0\0", "x\0"), /unknown/],
    ["CONNECT without address", bytes.frame("C", "localhost\0", "4", "\0\x19"), /port and one/],
    ["CONNECT with two addresses", bytes.frame("C", "h\0", "4", "\0\x19", "1.2.3.4\0", "5\0"), /port and one/],
    ["CONNECT U with a port", bytes.frame("C", "h\0", "U", "\0\x19"), /extra/],
    ["MAIL without NUL", bytes.frame("M", "<a@b>"), /MAIL/],
    ["RCPT empty", bytes.frame("R"), /RCPT/],
    ["HEADER without value", bytes.frame("L", "Subject\0"), /HEADER/],
    ["HEADER with empty name", bytes.frame("L", "\0 x\0"), /name/],
    ["HEADER with a NUL inside the value", bytes.frame("L", "Subject\0", " a\0b\0"), /exactly/],
    ["ABORT with data", bytes.frame("A", "x"), /unexpected/],
    ["HELO with two strings", bytes.frame("H", "a\0b\0"), /HELO/],
  ];
  for (const [name, packet, pattern] of cases) it(name, () => assert.match(error(packet), pattern));
});
