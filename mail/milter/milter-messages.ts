/**
 * Turns each MTA command packet into plain data. Every field is checked
 * (NUL terminators, fixed sizes, known letters); a malformed packet gives an
 * error value, never a throw. Strings are split with indexOf, so parsing is
 * linear in the packet size.
 *
 * References: Postfix src/milter/milter8.c (milter8_conn_event, _helo_event,
 * _mail_event, _rcpt_event, _header, _body, _eob, milter8_event for MACRO);
 * libmilter engine.c (st_* handlers); draft-adams-milter-protocol §4.
 */
import { Command, Family, type FamilyCode } from "./milter-constants.js";
import type { MilterPacket } from "./milter-codec.js";

export type MilterCommand =
  | { kind: "optneg"; version: number; actions: number; protocol: number }
  /** stage is the letter of the command these macros belong to, e.g. "C" or "M". */
  | { kind: "macro"; stage: string; macros: Array<[name: string, value: string]> }
  | { kind: "connect"; hostname: string; family: FamilyCode; port?: number; address?: string }
  | { kind: "helo"; hostname: string }
  /** args[0] is the address in angle brackets, then ESMTP parameters. */
  | { kind: "mail"; args: string[] }
  | { kind: "rcpt"; args: string[] }
  | { kind: "data" }
  /** value keeps folded lines joined by a bare LF, as Postfix sends them; raw is its exact bytes. */
  | { kind: "header"; name: string; value: string; raw: Buffer }
  | { kind: "eoh" }
  | { kind: "body"; chunk: Buffer }
  /** Postfix sends no data here; Sendmail may send a last chunk. */
  | { kind: "bodyEnd"; chunk: Buffer }
  | { kind: "abort" }
  | { kind: "quit" }
  | { kind: "quitNewConnection" }
  | { kind: "unknown"; line: string };

/** The command, or why the packet is not one (a sentence, for the log). */
export type ParseResult = MilterCommand | string;

const NO_DATA: Record<string, MilterCommand> = {
  [Command.EOH]: { kind: "eoh" },
  [Command.ABORT]: { kind: "abort" },
  [Command.QUIT]: { kind: "quit" },
  [Command.QUIT_NC]: { kind: "quitNewConnection" },
  [Command.DATA]: { kind: "data" },
};

export function parseCommand(packet: MilterPacket): ParseResult {
  const { code, data } = packet;
  const fixed = NO_DATA[code];
  if (fixed) return data.length === 0 ? ok(fixed) : bad(`command ${code} carries ${data.length} unexpected bytes`);
  switch (code) {
    case Command.OPTNEG:
      if (data.length < 12) return bad(`OPTNEG needs 12 bytes, got ${data.length}`);
      return ok({ kind: "optneg", version: data.readUInt32BE(0), actions: data.readUInt32BE(4), protocol: data.readUInt32BE(8) });
    case Command.MACRO:
      return parseMacro(data);
    case Command.CONNECT:
      return parseConnect(data);
    case Command.HELO:
      return exactStrings(data, 1, "HELO", ([hostname]) => ({ kind: "helo", hostname }));
    case Command.MAIL:
    case Command.RCPT: {
      const args = splitStrings(data);
      if (!args || args.length === 0) return bad(`${code === Command.MAIL ? "MAIL" : "RCPT"} needs NUL-terminated arguments`);
      return ok({ kind: code === Command.MAIL ? "mail" : "rcpt", args });
    }
    case Command.HEADER:
      return parseHeader(data);
    case Command.BODY:
      return ok({ kind: "body", chunk: data });
    case Command.BODYEOB:
      return ok({ kind: "bodyEnd", chunk: data });
    case Command.UNKNOWN:
      return exactStrings(data, 1, "UNKNOWN", ([line]) => ({ kind: "unknown", line }));
    default:
      return bad(`unknown command 0x${code.charCodeAt(0).toString(16).padStart(2, "0")}`);
  }
}

function parseMacro(data: Buffer): ParseResult {
  if (data.length < 1) return bad("MACRO needs a stage letter");
  const stage = String.fromCharCode(data[0]);
  const strings = data.length === 1 ? [] : splitStrings(data.subarray(1));
  if (!strings || strings.length % 2 !== 0) return bad("MACRO needs NUL-terminated name/value pairs");
  const macros: Array<[string, string]> = [];
  for (let i = 0; i < strings.length; i += 2) macros.push([strings[i], strings[i + 1]]);
  return ok({ kind: "macro", stage, macros });
}

// hostname NUL, family letter, then (except for 'U') port as a network short and address NUL.
function parseConnect(data: Buffer): ParseResult {
  const end = data.indexOf(0);
  if (end < 0 || end + 1 >= data.length) return bad("CONNECT needs a hostname and a family");
  const hostname = data.toString("utf8", 0, end);
  const family = String.fromCharCode(data[end + 1]);
  const rest = data.subarray(end + 2);
  if (family === Family.UNKNOWN) {
    return rest.length === 0 ? ok({ kind: "connect", hostname, family }) : bad("CONNECT with family U carries extra bytes");
  }
  if (family !== Family.INET && family !== Family.INET6 && family !== Family.UNIX) return bad(`CONNECT family ${JSON.stringify(family)} is unknown`);
  if (rest.length < 3 || rest[rest.length - 1] !== 0 || rest.indexOf(0, 2) !== rest.length - 1) {
    return bad("CONNECT needs a port and one NUL-terminated address");
  }
  return ok({ kind: "connect", hostname, family, port: rest.readUInt16BE(0), address: rest.toString("utf8", 2, rest.length - 1) });
}

function parseHeader(data: Buffer): ParseResult {
  const nameEnd = data.indexOf(0);
  if (nameEnd <= 0) return bad("HEADER needs a non-empty NUL-terminated name");
  if (data[data.length - 1] !== 0 || data.indexOf(0, nameEnd + 1) !== data.length - 1) {
    return bad("HEADER needs exactly a name and a value, each NUL-terminated");
  }
  const raw = data.subarray(nameEnd + 1, data.length - 1);
  return ok({ kind: "header", name: data.toString("utf8", 0, nameEnd), value: raw.toString("utf8"), raw });
}

/** Splits NUL-terminated strings; undefined if the data does not end in NUL. */
export function splitStrings(data: Buffer): string[] | undefined {
  if (data.length === 0 || data[data.length - 1] !== 0) return undefined;
  const strings: string[] = [];
  for (let start = 0; start < data.length; ) {
    const end = data.indexOf(0, start);
    strings.push(data.toString("utf8", start, end));
    start = end + 1;
  }
  return strings;
}

function exactStrings(data: Buffer, count: number, what: string, build: (strings: string[]) => MilterCommand): ParseResult {
  const strings = splitStrings(data);
  if (!strings || strings.length !== count) return bad(`${what} needs ${count} NUL-terminated string(s)`);
  return ok(build(strings));
}

// Named, so that each return says which way it goes.
const ok = (command: MilterCommand): ParseResult => command;
const bad = (error: string): ParseResult => error;
