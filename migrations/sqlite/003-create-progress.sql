-- Message progress (PROTOCOL.md §6): one pubsub leaf node per signed message,
-- named progress/<message-id>, owned by the identity that signed it. Message
-- ids are global node names, so message_id alone is the key: the first owner
-- wins and other identities' events for the same id are not published there.
-- Unenrolling an identity removes its nodes with everything under them.

CREATE TABLE progress_nodes (
  message_id            TEXT PRIMARY KEY,
  owner                 TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  created_at            INTEGER NOT NULL,   -- ms since epoch
  updated_at            INTEGER NOT NULL,   -- time of the newest item; retention counts from here
  last_seq              INTEGER NOT NULL DEFAULT 0,  -- item ids are this counter, never reused
  rejected_suppressed   INTEGER NOT NULL DEFAULT 0   -- rejected events dropped by the rate limit since the last one shown
) STRICT;

CREATE INDEX progress_nodes_by_owner ON progress_nodes(owner, created_at);
CREATE INDEX progress_nodes_by_age ON progress_nodes(updated_at);

CREATE TABLE progress_items (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  stage        TEXT NOT NULL CHECK (stage IN ('submitted', 'relayed', 'verified', 'rejected', 'delivered', 'read')),
  at           INTEGER NOT NULL,            -- ms since epoch, the service's clock
  by           TEXT,                        -- a domain: the verifier, or the publisher's domain
  reason       TEXT,                        -- rejected only
  recipients   INTEGER,                     -- submitted only
  domains      TEXT NOT NULL DEFAULT '',    -- submitted only: recipient domains, space-separated
  suppressed   INTEGER,                     -- rejected only: how many were rate-limited before this one
  publisher    TEXT NOT NULL,               -- bare JID of the publishing client; the verifier domain for verified/rejected
  PRIMARY KEY (message_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE progress_subscriptions (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  jid          TEXT NOT NULL,               -- bare JID
  PRIMARY KEY (message_id, jid)
) STRICT, WITHOUT ROWID;

-- The union of the recipient domains of every submitted item, kept apart from
-- the items so that replay detection (§5) survives the 100-item cap.
CREATE TABLE progress_recipient_domains (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  domain       TEXT NOT NULL,
  PRIMARY KEY (message_id, domain)
) STRICT, WITHOUT ROWID;
