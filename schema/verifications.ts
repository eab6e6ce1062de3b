/** A row of `message_seen` (migrations/sqlite/002-create-verifications.sql). */
export interface MessageSeenRow {
  jid: string;
  message_id: string;
  verifier_domain: string;
  passes: number;
  first_at: number;
  last_at: number;
}

/** A row of `verification_counts`: verifications answered, by result and reason. */
export interface VerificationCountRow {
  result: string;
  reason: string;
  n: number;
}
