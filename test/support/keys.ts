/** Puts a key with a known secret into a test store (the spec vectors' secret, say). */
import type { IdentityStorage } from "../../component/keys/identity-storage.js";
import { sealSecret } from "../../component/keys/sealed-secret.js";

export async function insertKnownKey(
  store: { identity: IdentityStorage },
  masterKey: Buffer,
  jid: string,
  keyId: string,
  secret: Buffer,
  createdAt: number,
): Promise<void> {
  const { identity } = store;
  await identity.transaction(async (tx) => {
    if (!(await tx.user(jid))) {
      await tx.insertUser(jid, createdAt);
      await tx.setAddresses(jid, [jid]);
    }
    const { nonce, sealed } = sealSecret(masterKey, jid, keyId, secret);
    await tx.insertKey(jid, keyId, keyId, nonce, sealed, createdAt);
  });
}
