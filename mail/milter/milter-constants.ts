/**
 * Numbers and letters of the Sendmail 8 milter protocol, version 6, under the
 * names libmilter gives them, so that a reader can grep the C sources.
 *
 * References: Sendmail libmilter include/libmilter/mfdef.h and mfapi.h
 * (SMFIC_*, SMFIR_*, SMFIF_*, SMFIP_*, SMFIA_*, SMFIM_*); Postfix
 * src/milter/milter8.c (the MTA side we talk to); draft-adams-milter-protocol.
 */

export const MILTER_PROTOCOL_VERSION = 6;

/** Commands from the MTA (SMFIC_*). */
export const Command = {
  ABORT: "A",
  BODY: "B",
  CONNECT: "C",
  MACRO: "D",
  BODYEOB: "E",
  HELO: "H",
  QUIT_NC: "K",
  HEADER: "L",
  MAIL: "M",
  EOH: "N",
  OPTNEG: "O",
  QUIT: "Q",
  RCPT: "R",
  DATA: "T",
  UNKNOWN: "U",
} as const;
export type CommandCode = (typeof Command)[keyof typeof Command];

/** Responses to the MTA (SMFIR_*). */
export const Response = {
  ADDRCPT: "+",
  DELRCPT: "-",
  ADDRCPT_PAR: "2",
  SHUTDOWN: "4",
  ACCEPT: "a",
  REPLBODY: "b",
  CONTINUE: "c",
  DISCARD: "d",
  CHGFROM: "e",
  CONN_FAIL: "f",
  ADDHEADER: "h",
  INSHEADER: "i",
  SETSYMLIST: "l",
  CHGHEADER: "m",
  PROGRESS: "p",
  QUARANTINE: "q",
  REJECT: "r",
  SKIP: "s",
  TEMPFAIL: "t",
  REPLYCODE: "y",
  OPTNEG: "O",
} as const;
export type ResponseCode = (typeof Response)[keyof typeof Response];

/** Actions the milter may take at end of message (SMFIF_*), offered by the MTA in OPTNEG. */
export const Action = {
  ADDHDRS: 0x001,
  CHGBODY: 0x002,
  ADDRCPT: 0x004,
  DELRCPT: 0x008,
  CHGHDRS: 0x010,
  QUARANTINE: 0x020,
  CHGFROM: 0x040,
  ADDRCPT_PAR: 0x080,
  SETSYMLIST: 0x100,
} as const;

/**
 * Protocol flags (SMFIP_*): NO* = "do not send me this step", NR_* = "I will
 * not reply to this step", plus a few capabilities.
 */
export const Protocol = {
  NOCONNECT: 0x000001,
  NOHELO: 0x000002,
  NOMAIL: 0x000004,
  NORCPT: 0x000008,
  NOBODY: 0x000010,
  NOHDRS: 0x000020,
  NOEOH: 0x000040,
  NR_HDR: 0x000080,
  NOUNKNOWN: 0x000100,
  NODATA: 0x000200,
  SKIP: 0x000400,
  RCPT_REJ: 0x000800,
  NR_CONN: 0x001000,
  NR_HELO: 0x002000,
  NR_MAIL: 0x004000,
  NR_RCPT: 0x008000,
  NR_DATA: 0x010000,
  NR_UNKN: 0x020000,
  NR_EOH: 0x040000,
  NR_BODY: 0x080000,
  HDR_LEADSPC: 0x100000,
} as const;

/** Address families in CONNECT (SMFIA_*). */
export const Family = { UNKNOWN: "U", UNIX: "L", INET: "4", INET6: "6" } as const;
export type FamilyCode = (typeof Family)[keyof typeof Family];

/** Macro stages for SETSYMLIST in the OPTNEG reply (SMFIM_*). Note EOM (5) < EOH (6). */
export const MacroStage = { CONNECT: 0, HELO: 1, ENVFROM: 2, ENVRCPT: 3, DATA: 4, EOM: 5, EOH: 6 } as const;

/** What Postfix 3.x offers with milter_protocol = 6 (measured; milter8.c my_actions and V6 mask). */
export const POSTFIX_OFFERED_ACTIONS = 0x1ff;
export const POSTFIX_OFFERED_PROTOCOL = 0x1fffff;

/** Postfix sends the body in chunks of at most this many bytes (milter8.c MILTER_CHUNK_SIZE). */
export const POSTFIX_BODY_CHUNK = 65535;

/**
 * Largest packet accepted. A body chunk is 65,536 bytes with its command byte,
 * but one header field may reach Postfix's header_size_limit (102,400 by
 * default) plus its name; 256 KiB covers both and bounds memory per connection.
 */
export const DEFAULT_MAX_PACKET = 256 * 1024;
