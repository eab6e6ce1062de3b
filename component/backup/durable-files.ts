/**
 * File steps a backup and a restore share: SHA-256 of a file, writes that
 * are on disk before we say so, and the owner a restored file takes.
 */
import { createHash } from "node:crypto";
import { createReadStream, chownSync, closeSync, fsyncSync, openSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** fsync a file or a folder (a folder: so that a rename or a new name in it survives a power loss). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `path` whole or not at all: a temporary name beside it, fsync, rename, fsync the folder. */
export function writeFileAtomically(path: string, data: string | Buffer, mode: number, like?: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode, flag: "wx" });
  fsyncPath(tmp);
  if (like !== undefined) takeOwnerOf(tmp, like);
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}

/**
 * Run as root (as a restore often is), a new file would be root's, and the
 * service's user could not open it (the master key check refuses a key
 * another user owns). So the file takes the owner of `like`, the file it
 * replaces, or of the folder it lands in when there is none.
 */
export function takeOwnerOf(path: string, like: string): void {
  if (process.geteuid?.() !== 0) return;
  let owner: { uid: number; gid: number };
  try {
    owner = statSync(like);
  } catch {
    owner = statSync(dirname(like));
  }
  chownSync(path, owner.uid, owner.gid);
}
