/**
 * Runs the real `xsmtp` binary as a child process, for the tests that are
 * about the process itself: exit codes, signals, what it logs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const XSMTP_BIN = fileURLToPath(new URL("../cli/xsmtp.js", import.meta.url));

export interface XsmtpProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startXsmtp(args: string[], env: Record<string, string>): XsmtpProcess {
  const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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

/** Runs `xsmtp ARGS` to completion; resolves with exit code, stdout and stderr. */
export function runXsmtp(
  args: string[],
  env: Record<string, string>,
  input?: string | Buffer,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: { ...process.env, ...env } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.on("data", (d: Buffer) => stderr.push(d));
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }),
    );
    child.stdin.end(input ?? "");
  });
}
