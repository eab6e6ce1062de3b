// Child-process helpers shared by the server harnesses.
import { execFile, type ChildProcess } from "node:child_process";
import { chown, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const isRoot = process.getuid?.() === 0;

/** Runs a command, returning stdout; the error message carries stdout and stderr. */
export async function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { env: env ?? process.env, timeout: 30_000 });
    return stdout;
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** uid and gid of a system user, e.g. the one a packaged server runs as. */
export async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** chown -R, so that a server dropped to its own user can write its temp dir. */
export async function chownTree(path: string, ids: { uid: number; gid: number }): Promise<void> {
  await chown(path, ids.uid, ids.gid);
  if (!(await stat(path)).isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), ids);
}

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
