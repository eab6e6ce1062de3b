// Child-process helpers shared by the server harnesses.
import { execFile, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/** State letter and parent pid of a process (from /proc), or undefined once it is gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `pid`: the children of a server that puts each one in its own session. */
function childPids(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => procStat(candidate)?.ppid === pid);
}

/** False once `pid` has exited; a zombie counts as exited (it holds no memory, files or sockets). */
export function processRuns(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * SIGKILL to a server and all its children at once, as a crash of the host
 * would, for servers whose children leave its process group (PostgreSQL's
 * backends each call setsid, so killGroup would reach the postmaster alone and
 * leave backends answering until they notice). The parent is stopped first so
 * it forks nothing while its children are listed. Returns the pids killed.
 */
export function killWithChildren(parent: number): number[] {
  signal(parent, "SIGSTOP");
  const pids = [parent, ...childPids(parent)];
  for (const pid of pids) signal(pid, "SIGKILL");
  return pids;
}
