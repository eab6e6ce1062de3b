-- What the service remembers of verifications: per signed message and
-- verifier domain, how many passing verifications it answered (for <seen>
-- and replay detection), and counters by result for the stats command.

CREATE TABLE message_seen (
  jid              TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  message_id       TEXT NOT NULL,
  verifier_domain  TEXT NOT NULL,
  passes           INTEGER NOT NULL,
  first_at         INTEGER NOT NULL,   -- ms since epoch
  last_at          INTEGER NOT NULL,
  PRIMARY KEY (jid, message_id, verifier_domain)
) STRICT, WITHOUT ROWID;

CREATE INDEX message_seen_by_age ON message_seen(last_at);

CREATE TABLE verification_counts (
  result  TEXT NOT NULL,               -- pass, fail, permerror, temperror
  reason  TEXT NOT NULL,               -- '' for pass
  n       INTEGER NOT NULL,
  PRIMARY KEY (result, reason)
) STRICT, WITHOUT ROWID;
