-- Enrolled identities, their signing keys and the From addresses they may use.
-- Secrets are stored only encrypted (AES-256-GCM under the master key file);
-- the nonce and tag are kept beside the ciphertext.

CREATE TABLE users (
  jid            TEXT PRIMARY KEY,          -- bare JID, lower case
  enrolled_at    INTEGER NOT NULL           -- ms since epoch
) STRICT;

CREATE TABLE keys (
  jid            TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  key_id         TEXT NOT NULL,             -- the k= tag
  label          TEXT NOT NULL DEFAULT '',
  secret_nonce   BLOB NOT NULL,
  secret_sealed  BLOB NOT NULL,             -- ciphertext || GCM tag
  created_at     INTEGER NOT NULL,
  retired_at     INTEGER,                   -- signatures with t before this still verify
  revoked_at     INTEGER,                   -- nothing verifies any more
  PRIMARY KEY (jid, key_id)
) STRICT;

CREATE TABLE addresses (
  jid            TEXT NOT NULL REFERENCES users(jid) ON DELETE CASCADE,
  address        TEXT NOT NULL,             -- lower-cased addr-spec
  PRIMARY KEY (jid, address)
) STRICT;

CREATE INDEX addresses_by_address ON addresses(address);
