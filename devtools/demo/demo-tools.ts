/**
 * What the demo uses to run the real `xsmtp` commands as a user would: each
 * step spawns the CLI with its environment, so the demo shows the tools
 * themselves, not a shortcut around them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const XSMTP_BIN = fileURLToPath(new URL("../../cli/xsmtp.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, input: Buffer | string = "", timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`xsmtp ${args[0]} took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.end(input);
  });
}

/** Starts `xsmtp run` and resolves once it logs that it is online. */
export function startComponent(env: Record<string, string>, timeoutMs = 15_000): Promise<{ child: ChildProcess; log(): string }> {
  const child = spawn(process.execPath, [XSMTP_BIN, "run"], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  process.once("exit", () => child.kill("SIGKILL"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the component did not come online:\n${log}`)), timeoutMs);
    child.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      if (/"msg":"online"/.test(log)) {
        clearTimeout(timer);
        resolve({ child, log: () => log });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the component exited (${code}):\n${log}`));
    });
  });
}

export function stopComponent(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
