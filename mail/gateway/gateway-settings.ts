/**
 * The gateway's policy knobs as plain data (XSMTP_MILTER_* settings), and
 * the one deadline for a verification.
 *
 * Why 20 s: Postfix waits milter_content_timeout (300 s) for the end-of-
 * message reply and milter_command_timeout (30 s) for commands; staying
 * under the smaller of the two means Postfix never gives up on us first and
 * applies milter_default_action to a message we were about to accept.
 *
 * References: Postfix postconf(5) milter_content_timeout,
 * milter_command_timeout; PROTOCOL.md §4 (discovery deadline), §11.
 */

export type OnFail = "mark" | "quarantine" | "reject";
export type OnTemperror = "accept" | "tempfail";

export interface GatewaySettings {
  /** Client addresses or CIDR blocks whose mail is outgoing (signed). */
  internalHosts: string[];
  /** RFC 8601 authserv-id of the fields this gateway writes (and deletes when forged). */
  authservId: string;
  onFail: OnFail;
  onTemperror: OnTemperror;
  /** One deadline for a whole verification: discovery, the verify IQ, everything. */
  verifyDeadlineMs: number;
}

export const VERIFY_DEADLINE_MS = 20_000;
/** Each IQ and each discovery, inside the overall deadline. */
export const IQ_TIMEOUT_MS = 10_000;

/** The submission service's {daemon_name} (master.cf: -o milter_macro_daemon_name=ORIGINATING). */
export const ORIGINATING = "ORIGINATING";
