/**
 * Keeps a message that could not be signed (or handed on) in a private
 * directory, so that nothing is lost: the user can sign and send it later.
 */
import { mkdirSync, createWriteStream } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { writeAll } from "../message/write-out.js";

export async function keepMessage(dir: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${new Date().toISOString().replace(/[:.]/g, "")}-${randomBytes(4).toString("hex")}.eml`);
  const file = createWriteStream(path, { flags: "wx", mode: 0o600 });
  await writeAll(file, chunks, true);
  return path;
}
