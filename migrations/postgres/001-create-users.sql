-- Enrolled identities, their signing keys and the From addresses they may use
-- (the same tables as migrations/sqlite/001). Secrets are stored only
-- encrypted (AES-256-GCM under the master key file).
--
-- PostgreSQL only: identity_generation, moved by a trigger on every write to
-- these tables, whoever makes it (any instance, the CLI, hand-written SQL).
-- Every instance keeps keys in memory and drops them when it moves, so a
-- revocation takes effect at once everywhere (SQLite has PRAGMA data_version
-- for this).

CREATE TABLE users (
  jid            TEXT PRIMARY KEY,          -- bare JID, lower case
  enrolled_at    BIGINT NOT NULL            -- ms since epoch
);

CREATE TABLE keys (
  jid            TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  key_id         TEXT NOT NULL,             -- the k= tag
  label          TEXT NOT NULL DEFAULT '',
  secret_nonce   BYTEA NOT NULL,
  secret_sealed  BYTEA NOT NULL,            -- ciphertext || GCM tag
  created_at     BIGINT NOT NULL,
  retired_at     BIGINT,                    -- signatures with t before this still verify
  revoked_at     BIGINT,                    -- nothing verifies any more
  PRIMARY KEY (jid, key_id)
);

CREATE TABLE addresses (
  jid            TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  address        TEXT NOT NULL,             -- lower-cased addr-spec
  PRIMARY KEY (jid, address)
);

CREATE INDEX addresses_by_address ON addresses(address);

CREATE TABLE identity_generation (n BIGINT NOT NULL);
INSERT INTO identity_generation (n) VALUES (0);

CREATE FUNCTION xsmtp_identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE identity_generation SET n = n + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION xsmtp_identity_changed();
CREATE TRIGGER keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON keys
  FOR EACH STATEMENT EXECUTE FUNCTION xsmtp_identity_changed();
CREATE TRIGGER addresses_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON addresses
  FOR EACH STATEMENT EXECUTE FUNCTION xsmtp_identity_changed();
