/** Puts a key with a known secret into a test database (the spec vectors' secret, say). */
import { keyStatements } from "../../component/keys/key-store.js";
import { sealSecret } from "../../component/keys/sealed-secret.js";
import type { Db } from "../../component/store/database.js";

export function insertKnownKey(db: Db, masterKey: Buffer, jid: string, keyId: string, secret: Buffer, createdAt: number): void {
  const s = keyStatements(db);
  if (!s.user.get(jid)) {
    s.insertUser.run(jid, createdAt);
    s.insertAddress.run(jid, jid);
  }
  const { nonce, sealed } = sealSecret(masterKey, jid, keyId, secret);
  s.insertKey.run(jid, keyId, keyId, nonce, sealed, createdAt);
}
