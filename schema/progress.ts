/**
 * Rows of the progress tables (migrations/sqlite/003-create-progress.sql, re-keyed by
 * migrations/sqlite/004-rekey-progress.sql): every row names its node by
 * (owner, message_id), the node `progress/<owner>/<message_id>`.
 */

/** A row of `progress_nodes`: one leaf node per identity and signed message. */
export interface ProgressNodeRow {
  owner: string;
  message_id: string;
  /** ms since epoch; retention counts from here and nothing moves it. */
  created_at: number;
  last_seq: number;
  rejected_suppressed: number;
}

/** A row of `progress_items`: one progress event. */
export interface ProgressItemRow {
  owner: string;
  message_id: string;
  seq: number;
  stage: string;
  at: number;
  by: string | null;
  reason: string | null;
  recipients: number | null;
  /** Space-separated recipient domains ('' when none). */
  domains: string;
  suppressed: number | null;
  publisher: string;
}

/** A row of `progress_subscriptions`. */
export interface ProgressSubscriptionRow {
  owner: string;
  message_id: string;
  /** The subscriber's bare JID. */
  jid: string;
}

/** A row of `progress_recipient_domains`: the domains the owner said the message went to. */
export interface ProgressRecipientDomainRow {
  owner: string;
  message_id: string;
  domain: string;
}
