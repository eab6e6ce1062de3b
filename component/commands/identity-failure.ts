/**
 * How an IdentityCore error ends a command step: errors about a value the
 * requester can correct bring the form back with a note naming that field;
 * the rest (already enrolled, a key revoked meanwhile) complete the command
 * with an error note and change nothing (PROTOCOL.md §8).
 */
import type { IdentityError } from "../keys/identity-core.js";
import { identityErrorText } from "../keys/identity-errors.js";
import type { Completed } from "./command-types.js";
import type { Invalid } from "./wizard.js";

const fieldOf: Partial<Record<IdentityError, string>> = {
  "invalid-jid": "jid",
  "outside-user-domains": "jid",
  "not-enrolled": "jid",
  "invalid-label": "label",
  "invalid-address": "addresses",
  "key-unknown": "key-id",
};

/** Ends a step with a core outcome: its error as identityFailure says, or what `done` makes of the result. */
export async function completedWith<T extends object>(
  jid: string,
  outcome: T | IdentityError | Promise<T | IdentityError>,
  done: (result: T) => Completed,
): Promise<Completed | Invalid> {
  const result = await outcome;
  return typeof result === "string" ? identityFailure(jid, result) : done(result);
}

export function identityFailure(jid: string, error: IdentityError): Completed | Invalid {
  // Most texts read as a predicate of the JID; the label and address texts stand alone.
  const standalone = error === "invalid-label" || error === "invalid-address";
  const problem = standalone ? identityErrorText[error] : `${jid} ${identityErrorText[error]}`;
  const field = fieldOf[error];
  return field ? { field, problem } : { status: "completed", note: { type: "error", text: problem } };
}
