-- What the service remembers of verifications (as migrations/sqlite/002):
-- per signed message and verifier domain, how many passing verifications it
-- answered (for <seen> and replay detection), and counters by result.
--
-- PostgreSQL only, because several instances write at once:
-- message_seen_totals keeps each message's totals in one row that every
-- pass updates in the same statement as its own record, so two instances
-- recording passes of one message at once both answer exact <seen> counts
-- (the row lock orders them); rate_buckets and xsmtp_take_tokens are the
-- verify rate limit's buckets shared by every instance.

CREATE TABLE message_seen (
  jid              TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  message_id       TEXT NOT NULL,
  verifier_domain  TEXT NOT NULL,
  passes           INTEGER NOT NULL,
  first_at         BIGINT NOT NULL,   -- ms since epoch
  last_at          BIGINT NOT NULL,
  PRIMARY KEY (jid, message_id, verifier_domain)
);

CREATE INDEX message_seen_by_age ON message_seen(last_at);

CREATE TABLE message_seen_totals (
  jid              TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  message_id       TEXT NOT NULL,
  verifications    INTEGER NOT NULL,
  domains          INTEGER NOT NULL,
  last_at          BIGINT NOT NULL,
  PRIMARY KEY (jid, message_id)
);

CREATE INDEX message_seen_totals_by_age ON message_seen_totals(last_at);

CREATE TABLE verification_counts (
  result  TEXT NOT NULL,               -- pass, fail, permerror, temperror
  reason  TEXT NOT NULL,               -- '' for pass
  n       BIGINT NOT NULL,
  PRIMARY KEY (result, reason)
);

CREATE TABLE rate_buckets (
  name    TEXT PRIMARY KEY,            -- the requester's organizational domain
  tokens  DOUBLE PRECISION NOT NULL,
  at      BIGINT NOT NULL              -- ms since epoch of the last refill
);

-- Refills the bucket to now, then grants up to p_want whole tokens; returns how many.
CREATE FUNCTION xsmtp_take_tokens(p_name TEXT, p_want INTEGER, p_per_minute DOUBLE PRECISION, p_now BIGINT)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  available DOUBLE PRECISION;
  granted INTEGER;
BEGIN
  INSERT INTO rate_buckets (name, tokens, at) VALUES (p_name, p_per_minute, p_now) ON CONFLICT (name) DO NOTHING;
  SELECT least(p_per_minute, tokens + greatest(0, p_now - at) * p_per_minute / 60000.0)
    INTO available FROM rate_buckets WHERE name = p_name FOR UPDATE;
  granted := least(p_want, floor(available))::INTEGER;
  UPDATE rate_buckets SET tokens = available - granted, at = greatest(at, p_now) WHERE name = p_name;
  RETURN granted;
END $$;
