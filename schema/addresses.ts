/** A row of `addresses` (migrations/sqlite/001-create-users.sql): a From address a user may send as. */
export interface AddressRow {
  jid: string;
  address: string;
}
