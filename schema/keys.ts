/** A row of `keys` (migrations/sqlite/001-create-users.sql). The secret is only ever sealed here. */
export interface KeyRow {
  jid: string;
  key_id: string;
  label: string;
  secret_nonce: Buffer;
  secret_sealed: Buffer;
  created_at: number;
  retired_at: number | null;
  revoked_at: number | null;
}
