/** A row of `users` (migrations/sqlite/001-create-users.sql). */
export interface UserRow {
  jid: string;
  enrolled_at: number;
}
