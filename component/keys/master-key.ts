/**
 * The master key that seals user secrets at rest. It lives in its own file
 * (XSMTP_KEY_FILE), never in the database, so a copy of the database alone
 * reveals no secret. A missing file is created with mode 0600; the `wx` flag
 * makes two processes starting at once agree on one key instead of racing.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";

export class MasterKeyError extends Error {}

export function loadOrCreateMasterKey(file: string): Buffer {
  try {
    writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new MasterKeyError(`cannot create key file ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new MasterKeyError(`cannot read key file ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  const key = Buffer.from(text, "base64url");
  if (key.length !== 32 || key.toString("base64url") !== text) {
    throw new MasterKeyError(`key file ${file} does not hold a 32-byte base64url key`);
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    // Not fatal (an admin may share it with a group on purpose), but worth a word.
    process.emitWarning(`key file ${file} is readable by others than its owner; chmod 600 it`);
  }
  return key;
}
