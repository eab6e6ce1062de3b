/**
 * What the gateway plugs into a milter session: a policy that sees the body
 * as it streams and decides at end of message, and what the session hands
 * back to its socket.
 *
 * References: libmilter mfapi.h (xxfi_body, xxfi_eom callbacks, which these
 * mirror); Postfix MILTER_README (milter_default_action when a milter fails).
 */
import type { MilterDecision } from "./milter-decision.js";
import type { MessageLimits, MilterMessage } from "./milter-message.js";
import type { MilterWants } from "./milter-negotiation.js";

export interface MilterPolicy {
  /**
   * Takes each body chunk (CRLF lines) as it comes, and then the session keeps
   * none; the next command waits for the returned promise (backpressure).
   */
  bodyChunk?(chunk: Buffer, message: MilterMessage): Promise<void> | void;
  /**
   * Decides at end of message; a throw or rejection gives the session's
   * failure verdict. The message object is reused: copy what must outlive the call.
   */
  endOfMessage(message: MilterMessage): Promise<MilterDecision>;
}

export interface SessionOptions {
  policy: MilterPolicy;
  wants?: MilterWants;
  limits?: MessageLimits;
  /** What to answer when the policy fails (default: tempfail, so the MTA retries later). */
  onPolicyError?: MilterDecision;
}

export interface SessionOutput {
  replies: Buffer[];
  /** "quit": the MTA is done; "error": a protocol error, see error. */
  close?: "quit" | "error";
  error?: string;
  /** Set when the policy failed and onPolicyError was answered instead. */
  policyError?: unknown;
}

