/**
 * Runs the real `xsmtp` binary as a child process, the one way the demo, the
 * benchmark and the tests do: to completion (`runXsmtp`, a command with
 * stdin and exit code) or in the background (`startXsmtp`, `xsmtp run` and
 * what it logs). Spawning lived in four places before, each with its own
 * idea of the environment and of when a child is finished.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const XSMTP_BIN = fileURLToPath(new URL("../cli/xsmtp.js", import.meta.url));

/** Variables set to undefined are removed from the child's environment. */
export type XsmtpVariables = Record<string, string | undefined>;

export interface RunOptions {
  input?: string | Buffer;
  /** Kill the child and reject after this long (default: wait as long as it takes). */
  timeoutMs?: number;
  /**
   * Start from our environment without any XSMTP_* variable and with HOME
   * pointing nowhere, so that only `env` configures the command (a developer's
   * own settings must not change what a test sees).
   */
  isolated?: boolean;
}

/** stdout stays bytes: mail that passes through must stay byte-exact. */
export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function childEnv(env: XsmtpVariables, isolated = false): NodeJS.ProcessEnv {
  if (!isolated) return { ...process.env, ...env };
  const ours = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("XSMTP_")));
  return { ...ours, HOME: "/nonexistent", ...env };
}

/** Runs `xsmtp ARGS` to completion. */
export function runXsmtp(args: string[], env: XsmtpVariables, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: childEnv(env, options.isolated) });
    const stdout: Buffer[] = [];
    let stderr = "";
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`xsmtp ${args[0]} took longer than ${options.timeoutMs! / 1000} s`));
          }, options.timeoutMs);
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(stdout), stderr });
    });
    // A command that refuses its input exits without reading it: that is its answer, not an EPIPE to crash on.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

export interface XsmtpProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startXsmtp(args: string[], env: XsmtpVariables): XsmtpProcess {
  const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Starts `xsmtp run` and resolves once it logs that it is online; rejects at once if it exits first. */
export async function startComponent(env: XsmtpVariables, timeoutMs = 15_000): Promise<XsmtpProcess> {
  const proc = startXsmtp(["run"], env);
  const exitedEarly = proc.exited.then((code) => {
    throw new Error(`xsmtp run exited (${code}) before it was online:\n${proc.output()}`);
  });
  // The race below sees the rejection; an exit after "online" (a stop) is no error.
  exitedEarly.catch(() => undefined);
  await Promise.race([proc.waitFor(/"msg":"online"/, timeoutMs), exitedEarly]);
  return proc;
}

/** SIGTERM, as a service manager stops it; resolves once it has exited. */
export async function stopXsmtp(proc: XsmtpProcess): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
  await proc.exited;
}
