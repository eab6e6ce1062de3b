-- Message progress (PROTOCOL.md §6), as first published (migrations/sqlite/003):
-- one node per Message-ID. Migration 004 re-keys it by (owner, message_id).

CREATE TABLE progress_nodes (
  message_id            TEXT PRIMARY KEY,
  owner                 TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  last_seq              INTEGER NOT NULL DEFAULT 0,
  rejected_suppressed   INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX progress_nodes_by_owner ON progress_nodes(owner, created_at);
CREATE INDEX progress_nodes_by_age ON progress_nodes(updated_at);

CREATE TABLE progress_items (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  stage        TEXT NOT NULL CHECK (stage IN ('submitted', 'relayed', 'verified', 'rejected', 'delivered', 'read')),
  at           BIGINT NOT NULL,
  by           TEXT,
  reason       TEXT,
  recipients   INTEGER,
  domains      TEXT NOT NULL DEFAULT '',
  suppressed   INTEGER,
  publisher    TEXT NOT NULL,
  PRIMARY KEY (message_id, seq)
);

CREATE TABLE progress_subscriptions (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  jid          TEXT NOT NULL,
  PRIMARY KEY (message_id, jid)
);

CREATE TABLE progress_recipient_domains (
  message_id   TEXT NOT NULL REFERENCES progress_nodes(message_id) ON DELETE CASCADE,
  domain       TEXT NOT NULL,
  PRIMARY KEY (message_id, domain)
);
