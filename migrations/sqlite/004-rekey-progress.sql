-- Revision 0.1 §6: a progress node is named progress/<bare-jid>/<message-id>,
-- so it is keyed by (owner, message_id). Two identities that use one
-- Message-ID get two nodes; the first no longer keeps the second out, and no
-- one can take another identity's node. Retention counts from created_at,
-- which no later publish moves, so updated_at (moved by every item,
-- including a third party's) goes.
--
-- Existing nodes keep their owner; items, subscriptions and recipient
-- domains learn it from their node (message_id was unique, so the join is
-- one to one). SQLite cannot change a primary key in place: the new tables
-- are filled beside the old ones and renamed over them; renaming the parent
-- rewrites the children's foreign keys to follow it. rowid is copied, as
-- disco#items breaks creation-time ties by it.

CREATE TABLE progress_nodes_v4 (
  owner                 TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  message_id            TEXT NOT NULL,
  created_at            INTEGER NOT NULL,   -- ms since epoch; retention counts from here
  last_seq              INTEGER NOT NULL DEFAULT 0,  -- item ids are this counter, never reused
  rejected_suppressed   INTEGER NOT NULL DEFAULT 0,  -- rejected events dropped by the rate limit since the last one shown
  PRIMARY KEY (owner, message_id)
) STRICT;

CREATE TABLE progress_items_v4 (
  owner        TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  stage        TEXT NOT NULL CHECK (stage IN ('submitted', 'relayed', 'verified', 'rejected', 'delivered', 'read')),
  at           INTEGER NOT NULL,            -- ms since epoch, the service's clock
  by           TEXT,                        -- a domain: the verifier, or the publisher's domain
  reason       TEXT,                        -- rejected only
  recipients   INTEGER,                     -- submitted only
  domains      TEXT NOT NULL DEFAULT '',    -- submitted only: recipient domains, space-separated
  suppressed   INTEGER,                     -- rejected only: how many were rate-limited before this one
  publisher    TEXT NOT NULL,               -- bare JID of the publishing client; the verifier domain for verified/rejected
  PRIMARY KEY (owner, message_id, seq),
  FOREIGN KEY (owner, message_id) REFERENCES progress_nodes_v4(owner, message_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE progress_subscriptions_v4 (
  owner        TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  jid          TEXT NOT NULL,               -- the subscriber's bare JID
  PRIMARY KEY (owner, message_id, jid),
  FOREIGN KEY (owner, message_id) REFERENCES progress_nodes_v4(owner, message_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The union of the recipient domains of every submitted item, kept apart from
-- the items so that replay detection (§5) survives the 100-item cap.
CREATE TABLE progress_recipient_domains_v4 (
  owner        TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  domain       TEXT NOT NULL,
  PRIMARY KEY (owner, message_id, domain),
  FOREIGN KEY (owner, message_id) REFERENCES progress_nodes_v4(owner, message_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

INSERT INTO progress_nodes_v4 (rowid, owner, message_id, created_at, last_seq, rejected_suppressed)
  SELECT rowid, owner, message_id, created_at, last_seq, rejected_suppressed FROM progress_nodes;
INSERT INTO progress_items_v4 (owner, message_id, seq, stage, at, by, reason, recipients, domains, suppressed, publisher)
  SELECT n.owner, i.message_id, i.seq, i.stage, i.at, i.by, i.reason, i.recipients, i.domains, i.suppressed, i.publisher
  FROM progress_items i JOIN progress_nodes n ON n.message_id = i.message_id;
INSERT INTO progress_subscriptions_v4 (owner, message_id, jid)
  SELECT n.owner, s.message_id, s.jid FROM progress_subscriptions s JOIN progress_nodes n ON n.message_id = s.message_id;
INSERT INTO progress_recipient_domains_v4 (owner, message_id, domain)
  SELECT n.owner, d.message_id, d.domain FROM progress_recipient_domains d JOIN progress_nodes n ON n.message_id = d.message_id;

-- Children first: dropping a parent with foreign keys on deletes its rows, cascading into them.
DROP TABLE progress_items;
DROP TABLE progress_subscriptions;
DROP TABLE progress_recipient_domains;
DROP TABLE progress_nodes;

ALTER TABLE progress_nodes_v4 RENAME TO progress_nodes;
ALTER TABLE progress_items_v4 RENAME TO progress_items;
ALTER TABLE progress_subscriptions_v4 RENAME TO progress_subscriptions;
ALTER TABLE progress_recipient_domains_v4 RENAME TO progress_recipient_domains;

CREATE INDEX progress_nodes_by_owner ON progress_nodes(owner, created_at);
CREATE INDEX progress_nodes_by_age ON progress_nodes(created_at);
