/**
 * Milter packets byte for byte as Postfix 3.x sends them, written out by hand
 * (not with the codec under test) from milter8.c: vmilter8_write_cmd frames,
 * milter8_event sends the MACRO packet before each event, even one skipped
 * with NO*, and milter8_header drops Postfix's own Received: header.
 *
 * References: Postfix src/milter/milter8.c; libmilter mfdef.h.
 */

/** 4-byte big-endian length of letter + data, the letter, the data. */
export function frame(letter: string, ...parts: Array<Buffer | string>): Buffer {
  const data = Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "latin1") : part)));
  const length = Buffer.from([0, 0, (data.length + 1) >> 8, (data.length + 1) & 0xff]);
  if (data.length + 1 > 0xffff) length.writeUInt32BE(data.length + 1, 0);
  return Buffer.concat([length, Buffer.from(letter, "latin1"), data]);
}

/** OPTNEG: version 6, actions 0x1ff, protocol 0x1fffff (milter_protocol = 6). */
export const OPTNEG = Buffer.from("0000000d4f00000006000001ff001fffff", "hex");

/** CONNECT from 127.0.0.1 port 54321 (0xd431), hostname "localhost". */
export const CONNECT_IPV4 = Buffer.from("00000018" + "43" + "6c6f63616c686f737400" + "34" + "d431" + "3132372e302e302e3100", "hex");
export const CONNECT_IPV6 = frame("C", "mail.example.org\0", "6", Buffer.from([0xc3, 0x50]), "2001:db8::25\0");
/** Local submission over a UNIX socket: port 0, the path as address. */
export const CONNECT_UNIX = frame("C", "localhost\0", "L", Buffer.from([0, 0]), "/var/run/smtp.sock\0");
/** An unknown family carries neither port nor address. */
export const CONNECT_UNKNOWN = frame("C", "[unknown]\0", "U");

export const MACRO_CONNECT = frame("D", "C", "j\0mx.example.test\0", "{daemon_name}\0ORIGINATING\0", "{daemon_addr}\x00127.0.0.1\0", "v\0Postfix 3.7.11\0", "_\0localhost [127.0.0.1]\0");
export const MACRO_HELO = frame("D", "H", "{tls_version}\0\0");
export const MACRO_MAIL = (queueId: string) => frame("D", "M", `i\0${queueId}\0`, "{auth_type}\0PLAIN\0", "{auth_authen}\0alice\0", "{mail_addr}\0alice@example.org\0");
export const MAIL = frame("M", "<alice@example.org>\0", "SIZE=321\0", "BODY=8BITMIME\0");
export const MACRO_RCPT = (address: string) => frame("D", "R", `{rcpt_addr}\0${address}\0`);
export const RCPT = (address: string) => frame("R", `<${address}>\0`);
/** The stage byte is the letter of the event that follows (milter8_event), e.g. "L" for eoh macros before a header. */
export const MACRO_QUEUE_ID = (stage: string, queueId: string) => frame("D", stage, `i\0${queueId}\0`);
/** With HDR_LEADSPC the value keeps its leading space; a folded value is joined with a bare LF. */
export const HEADER = (name: string, value: string) => frame("L", `${name}\0`, value, "\0");
export const BODY = (text: string) => frame("B", text);
export const BODYEOB = frame("E");
export const ABORT = frame("A");
export const QUIT = frame("Q");

/** One message as Postfix sends it once our flags are negotiated (no HELO, DATA or EOH events). */
export function postfixMessage(queueId: string, subject: string, body = "Hello.\r\n"): Buffer {
  return Buffer.concat([
    MACRO_MAIL(queueId),
    MAIL,
    MACRO_RCPT("bob@example.net"),
    RCPT("bob@example.net"),
    MACRO_QUEUE_ID("T", queueId),
    MACRO_QUEUE_ID("L", queueId),
    HEADER("From", " Alice <alice@example.org>"),
    MACRO_QUEUE_ID("L", queueId),
    HEADER("Subject", ` ${subject}`),
    MACRO_QUEUE_ID("L", queueId),
    HEADER("Authentication-Results", " mx.example.test;\n\tforged=pass"),
    MACRO_QUEUE_ID("N", queueId),
    MACRO_QUEUE_ID("B", queueId),
    BODY(body),
    MACRO_QUEUE_ID("E", queueId),
    BODYEOB,
  ]);
}

/** A whole connection: negotiation, connect, two messages, the ABORTs Postfix sends after each, QUIT. */
export function postfixConnection(): Buffer {
  return Buffer.concat([OPTNEG, MACRO_CONNECT, CONNECT_IPV4, MACRO_HELO, postfixMessage("4ABC1", "first"), ABORT, postfixMessage("4ABC2", "second"), ABORT, ABORT, QUIT]);
}
