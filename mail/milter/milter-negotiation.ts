/**
 * Option negotiation: answer the MTA's OPTNEG with the fewest steps, replies
 * and actions the gateway needs, so Postfix sends less and waits less.
 *
 * References: Postfix src/milter/milter8.c (milter8_connect: the reply's
 * version may not exceed the offer, its actions must be a subset of the offer,
 * optional macro lists follow; milter8_event: NR_* means Postfix reads no
 * reply, and macros are still sent for steps turned off with NO*);
 * libmilter engine.c (st_optionneg); mfdef.h.
 */
import { Action, MacroStage, MILTER_PROTOCOL_VERSION, Protocol } from "./milter-constants.js";
import type { MilterCommand } from "./milter-messages.js";
import type { OptionReply } from "./milter-responses.js";

export interface MilterWants {
  actions: number;
  /** SMFIP_* bits: NO* for steps not wanted, NR_* for steps answered by silence, HDR_LEADSPC. */
  protocol: number;
  /** Overrides the MTA's macro lists (asks for SETSYMLIST); stages left out get no macros at all. */
  macroLists?: Array<{ stage: number; names: string[] }>;
}

/** What the mail gateway uses; every bit is here for a reason. */
export const GATEWAY_WANTS: MilterWants = {
  actions:
    Action.ADDHDRS | // SMFIR_INSHEADER/ADDHEADER: put Authentication-Results on top
    Action.CHGHDRS | // SMFIR_CHGHEADER with an empty value: delete forged Authentication-Results
    Action.QUARANTINE, // SMFIR_QUARANTINE: hold a suspect message for a human
  protocol:
    Protocol.NOHELO | // the HELO name proves nothing here
    Protocol.NODATA | // nothing to decide at DATA; headers follow anyway
    Protocol.NOUNKNOWN | // unknown SMTP commands are Postfix's business
    Protocol.NOEOH | // the first body chunk or end of message tells the headers are over
    Protocol.NR_CONN | // the client address is kept, never judged at connect time
    Protocol.NR_MAIL | // the sender is kept, the decision waits for the signature
    Protocol.NR_RCPT | // likewise each recipient
    Protocol.NR_HDR | // headers stream without a round trip each (Postfix's "no_header_reply")
    Protocol.NR_BODY | // body chunks stream without a round trip each
    Protocol.HDR_LEADSPC, // values arrive byte for byte (Sendmail mode eats one space), needed to hash them
};

export interface Negotiated {
  version: number;
  actions: number;
  protocol: number;
}

/** What was agreed and the reply saying so, or why the offer is refused (a sentence, for the log). */
export type NegotiationResult = { negotiated: Negotiated; reply: OptionReply } | string;

const OLDEST_VERSION = 2;

export function negotiate(offer: Negotiated, wants: MilterWants = GATEWAY_WANTS): NegotiationResult {
  if (offer.version < OLDEST_VERSION) return `MTA offers milter protocol version ${offer.version}, below ${OLDEST_VERSION}`;
  const actions = wants.actions | (wants.macroLists ? Action.SETSYMLIST : 0);
  const missing = actions & ~offer.actions;
  if (missing !== 0) return `MTA does not offer actions 0x${missing.toString(16)} (offered 0x${offer.actions.toString(16)})`;
  // A bit the MTA did not offer is one it cannot honour: we then get that step (or must reply).
  const negotiated = { version: Math.min(offer.version, MILTER_PROTOCOL_VERSION), actions, protocol: wants.protocol & offer.protocol };
  const reply: OptionReply = { ...negotiated, ...(wants.macroLists ? { macroLists: wants.macroLists } : {}) };
  return { negotiated, reply };
}

/** Whether the MTA waits for a reply to this command, given the negotiated flags. */
export function expectsReply(kind: MilterCommand["kind"], protocol: number): boolean {
  const noReplyBit = NO_REPLY_BITS[kind];
  if (noReplyBit === undefined) return false; // MACRO, ABORT, QUIT, QUIT_NC never get one
  return (protocol & noReplyBit) === 0;
}

// 0 = always answered (end of message); OPTNEG is answered by the negotiation itself.
const NO_REPLY_BITS: Partial<Record<MilterCommand["kind"], number>> = {
  connect: Protocol.NR_CONN,
  helo: Protocol.NR_HELO,
  mail: Protocol.NR_MAIL,
  rcpt: Protocol.NR_RCPT,
  data: Protocol.NR_DATA,
  unknown: Protocol.NR_UNKN,
  header: Protocol.NR_HDR,
  eoh: Protocol.NR_EOH,
  body: Protocol.NR_BODY,
  bodyEnd: 0,
};

/** The macros the gateway reads, for MTAs whose defaults lack some (use as MilterWants.macroLists). */
export const GATEWAY_MACROS = [
  { stage: MacroStage.CONNECT, names: ["j", "{daemon_name}", "{client_addr}", "{client_name}"] },
  { stage: MacroStage.ENVFROM, names: ["i", "{auth_type}", "{auth_authen}", "{mail_addr}"] },
  { stage: MacroStage.ENVRCPT, names: ["{rcpt_addr}"] },
  { stage: MacroStage.EOM, names: ["i"] },
];
