/** A row of `progress_nodes` (migrations/003-create-progress.sql): one leaf node per signed message. */
export interface ProgressNodeRow {
  message_id: string;
  owner: string;
  created_at: number;
  updated_at: number;
  last_seq: number;
  rejected_suppressed: number;
}

/** A row of `progress_items`: one progress event. */
export interface ProgressItemRow {
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
  message_id: string;
  jid: string;
}

/** A row of `progress_recipient_domains`: the domains the owner said the message went to. */
export interface ProgressRecipientDomainRow {
  message_id: string;
  domain: string;
}
