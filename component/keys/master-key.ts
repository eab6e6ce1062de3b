/**
 * The master key that seals user secrets at rest. It lives in its own file
 * (XSMTP_KEY_FILE), never in the database, so a copy of the database alone
 * reveals no secret. A missing file is created with mode 0600; the `wx` flag
 * makes two processes starting at once agree on one key instead of racing.
 *
 * Like ssh with a private key, XSMTP refuses a key file that others could
 * read or replace, or that another user owns: whoever can read it can read
 * every enrolled secret, and whoever can write it can swap the key.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";

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
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    // Checked on the open file, so what is checked is what is read.
    checkOwnership(file, fstatSync(fd));
    text = readFileSync(fd, "utf8").trim();
  } catch (err) {
    if (err instanceof MasterKeyError) throw err;
    throw new MasterKeyError(`cannot read key file ${file}: ${(err as NodeJS.ErrnoException).code}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const key = Buffer.from(text, "base64url");
  // The message names the problem, never the file's content.
  if (key.length !== 32 || key.toString("base64url") !== text) {
    throw new MasterKeyError(`key file ${file} does not hold a 32-byte base64url key`);
  }
  return key;
}

function checkOwnership(file: string, stat: { mode: number; uid: number }): void {
  const uid = process.geteuid?.();
  if (uid === undefined) return; // no POSIX owners (Windows)
  if (stat.uid !== uid) {
    throw new MasterKeyError(
      `key file ${file} is owned by uid ${stat.uid}, not by ${userName(uid)} who runs xsmtp; ` +
        `fix it with: chown ${userName(uid)} ${file}`,
    );
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    throw new MasterKeyError(
      `key file ${file} is accessible by group or others (mode ${mode}); fix it with: chmod 600 ${file}`,
    );
  }
}

function userName(uid: number): string {
  try {
    return userInfo().username;
  } catch {
    return String(uid); // no passwd entry (a container): chown takes a number too
  }
}
