/**
 * What the session knows about the connection and the message in progress:
 * macros, envelope, header fields and body, each kept within a bound so one
 * huge message cannot exhaust memory (the policy sees what was cut).
 *
 * References: Postfix src/milter/milter8.c (macros per event; folded header
 * values joined by LF; body lines sent with CRLF in chunks of 65,535 bytes);
 * libmilter smfi_getsymval (names with or without braces).
 */
import type { FamilyCode } from "./milter-constants.js";

export interface MilterClient {
  hostname: string;
  family: FamilyCode;
  port?: number;
  /** IP address, or the socket path for family "L". */
  address?: string;
}

export interface MilterHeader {
  name: string;
  value: string;
  raw: Buffer;
}

export interface MilterEnvelopeAddress {
  /** The address without angle brackets. */
  address: string;
  /** ESMTP parameters after the address, e.g. "SIZE=1234". */
  parameters: string[];
  /** Macros sent with this command (e.g. {rcpt_addr}). */
  macros: ReadonlyMap<string, string>;
}

export interface MilterMessage {
  client: MilterClient | undefined;
  sender: MilterEnvelopeAddress | undefined;
  recipients: MilterEnvelopeAddress[];
  headers: MilterHeader[];
  headersTruncated: boolean;
  /** The body as received (CRLF lines), unless a bodyChunk callback took it. */
  body: Buffer[];
  bodyBytes: number;
  bodyTruncated: boolean;
  /** A macro from any stage so far, later stages winning; "x" and "{x}" are the same name. */
  macro(name: string): string | undefined;
}

export interface MessageLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: MessageLimits = { maxHeaderBytes: 1024 * 1024, maxBodyBytes: 32 * 1024 * 1024 };

/** Macros of the connection (C, H) outlive a message; those of M, R, T, N, E do not. */
const CONNECTION_STAGES = new Set(["C", "H"]);

export class MessageState implements MilterMessage {
  client: MilterClient | undefined;
  sender: MilterEnvelopeAddress | undefined;
  recipients: MilterEnvelopeAddress[] = [];
  headers: MilterHeader[] = [];
  headersTruncated = false;
  body: Buffer[] = [];
  bodyBytes = 0;
  bodyTruncated = false;
  private connectionMacros = new Map<string, string>();
  private messageMacros = new Map<string, string>();
  private latestMacros = new Map<string, string>();
  private latestStage = "";
  private headerBytes = 0;

  constructor(private readonly limits: MessageLimits) {}

  setMacros(stage: string, macros: Array<[string, string]>): void {
    const target = CONNECTION_STAGES.has(stage) ? this.connectionMacros : this.messageMacros;
    this.latestMacros = new Map();
    this.latestStage = stage;
    for (const [name, value] of macros) {
      target.set(bare(name), value);
      this.latestMacros.set(bare(name), value);
    }
  }

  /** The macros of the last MACRO packet, if it was for this command letter (Postfix sends them just before it). */
  takeLatestMacros(stage: string): ReadonlyMap<string, string> {
    const latest = this.latestStage === stage ? this.latestMacros : new Map<string, string>();
    this.latestMacros = new Map();
    return latest;
  }

  macro(name: string): string | undefined {
    const key = bare(name);
    return this.messageMacros.get(key) ?? this.connectionMacros.get(key);
  }

  addHeader(header: MilterHeader): void {
    this.headerBytes += header.name.length + header.raw.length;
    if (this.headerBytes > this.limits.maxHeaderBytes) this.headersTruncated = true;
    else this.headers.push(header);
  }

  addBody(chunk: Buffer, keep: boolean): void {
    this.bodyBytes += chunk.length;
    if (!keep) return;
    if (this.bodyBytes > this.limits.maxBodyBytes) {
      this.bodyTruncated = true;
      this.body = [];
    } else this.body.push(chunk);
  }

  /** Forgets the message (after ABORT or end of message); the connection stays. */
  resetMessage(): void {
    this.sender = undefined;
    this.recipients = [];
    this.headers = [];
    this.headersTruncated = false;
    this.body = [];
    this.bodyBytes = 0;
    this.bodyTruncated = false;
    this.messageMacros = new Map();
    this.latestMacros = new Map();
    this.headerBytes = 0;
  }

  /** Forgets the connection too (QUIT_NC: the next CONNECT is a new client). */
  resetConnection(): void {
    this.resetMessage();
    this.client = undefined;
    this.connectionMacros = new Map();
  }
}

/** "{auth_authen}" and "auth_authen" name the same macro; single letters like "i" have no braces. */
function bare(name: string): string {
  return name.length > 2 && name.startsWith("{") && name.endsWith("}") ? name.slice(1, -1) : name;
}

/** "<alice@example.org>" → "alice@example.org"; "<>" → "". */
export function envelopeAddress(args: string[], macros: ReadonlyMap<string, string>): MilterEnvelopeAddress {
  const first = args[0] ?? "";
  const address = first.startsWith("<") && first.endsWith(">") ? first.slice(1, -1) : first;
  return { address, parameters: args.slice(1), macros };
}
