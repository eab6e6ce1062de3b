/**
 * A policy's end-of-message decision (header edits, then a verdict) turned
 * into response packets, refusing what Postfix would refuse or what the
 * negotiation did not allow, so a bad decision cannot desynchronize the MTA.
 *
 * References: Postfix src/milter/milter8.c (milter8_event: edits are read
 * only after BODYEOB and before the final reply; INSHEADER index 0 = top;
 * CHGHEADER index is 1-based per name, empty value deletes; header space
 * handling MILTER8_HDR_SPACE); libmilter smfi_addheader (folding with LF).
 */
import { Action, Protocol } from "./milter-constants.js";
import type { Negotiated } from "./milter-negotiation.js";
import * as encode from "./milter-responses.js";

export type MilterVerdict =
  | { type: "continue" }
  | { type: "accept" }
  | { type: "discard" }
  /** reply like "550 5.7.1 Forged sender"; without one Postfix says "550 5.7.1 Command rejected". */
  | { type: "reject"; reply?: string }
  | { type: "tempfail"; reply?: string };

/**
 * Header edits, applied by Postfix in this order. Change/delete indexes count
 * fields of that name (1 = topmost) in the message as received, so delete the
 * highest index first and insert afterwards.
 */
export type MilterAction =
  | { type: "insertHeader"; index: number; name: string; value: string }
  | { type: "addHeader"; name: string; value: string }
  | { type: "changeHeader"; index: number; name: string; value: string }
  | { type: "deleteHeader"; index: number; name: string }
  | { type: "quarantine"; reason: string };

export interface MilterDecision {
  /** Sent only with a continue or accept verdict; a refused message needs no edits. */
  actions?: MilterAction[];
  verdict: MilterVerdict;
}

/** The replies, or why the decision cannot be sent (a sentence, for the log). */
export type EncodedDecision = Buffer[] | string;

export function encodeDecision(decision: MilterDecision, negotiated: Negotiated): EncodedDecision {
  const replies: Buffer[] = [];
  const { verdict } = decision;
  if (verdict.type === "continue" || verdict.type === "accept") {
    for (const action of decision.actions ?? []) {
      const encoded = encodeAction(action, negotiated);
      if (typeof encoded === "string") return encoded;
      replies.push(encoded);
    }
  }
  const final = encodeVerdict(verdict);
  if (typeof final === "string") return final;
  replies.push(final);
  return replies;
}

/** The reply when the policy failed: its configured decision, or a plain tempfail if that too is invalid. */
export function encodeFallback(decision: MilterDecision | undefined, negotiated: Negotiated): Buffer[] {
  const encoded = decision ? encodeDecision(decision, negotiated) : undefined;
  return encoded !== undefined && typeof encoded !== "string" ? encoded : [encode.encodeTempfail()];
}

function encodeVerdict(verdict: MilterVerdict): Buffer | string {
  switch (verdict.type) {
    case "continue":
      return encode.encodeContinue();
    case "accept":
      return encode.encodeAccept();
    case "discard":
      return encode.encodeDiscard();
    case "reject":
    case "tempfail": {
      if (verdict.reply === undefined) return verdict.type === "reject" ? encode.encodeReject() : encode.encodeTempfail();
      const error = encode.checkReplyCode(verdict.reply, verdict.type === "reject" ? "5" : "4");
      return error ?? encode.encodeReplyCode(verdict.reply);
    }
  }
}

function encodeAction(action: MilterAction, negotiated: Negotiated): Buffer | string {
  const needed = action.type === "quarantine" ? Action.QUARANTINE : action.type === "insertHeader" || action.type === "addHeader" ? Action.ADDHDRS : Action.CHGHDRS;
  if ((negotiated.actions & needed) === 0) return `${action.type} was not negotiated`;
  if (action.type === "quarantine") {
    return encode.checkHeaderValue(action.reason) ?? (action.reason.includes("\n") ? "quarantine reason must be one line" : encode.encodeQuarantine(action.reason));
  }
  const nameError = encode.checkHeaderName(action.name);
  if (nameError) return nameError;
  if (action.type === "deleteHeader") return checkIndex(action.index, 1) ?? encode.encodeChangeHeader(action.index, action.name, "");
  const valueError = encode.checkHeaderValue(action.value);
  if (valueError) return valueError;
  const value = wireValue(action.value, negotiated);
  switch (action.type) {
    case "addHeader":
      return encode.encodeAddHeader(action.name, value);
    case "insertHeader":
      return checkIndex(action.index, 0) ?? encode.encodeInsertHeader(action.index, action.name, value);
    case "changeHeader":
      if (value.trim() === "") return "changeHeader with an empty value deletes: use deleteHeader";
      return checkIndex(action.index, 1) ?? encode.encodeChangeHeader(action.index, action.name, value);
  }
}

/**
 * Postfix writes "name:" + " " + value, unless HDR_LEADSPC was negotiated, in
 * which case the value's own leading space is used; folds are LF on the wire.
 */
function wireValue(value: string, negotiated: Negotiated): string {
  const lf = value.replaceAll("\r\n", "\n");
  if ((negotiated.protocol & Protocol.HDR_LEADSPC) !== 0) return lf.startsWith(" ") || lf.startsWith("\t") ? lf : ` ${lf}`;
  return lf.startsWith(" ") ? lf.slice(1) : lf;
}

function checkIndex(index: number, lowest: number): string | undefined {
  return Number.isInteger(index) && index >= lowest && index <= 0xffffffff ? undefined : `header index ${index} must be an integer ≥ ${lowest}`;
}
