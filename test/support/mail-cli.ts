/** Runs the built CLI with bytes on stdin and keeps stdout as bytes (mail must stay byte-exact). */
import { spawn } from "node:child_process";
import { XSMTP_BIN } from "../../devtools/xsmtp-process.js";

export const SECRET_TEXT = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM";
export const SIGNER_ENV = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: "laptop", XSMTP_SIGNING_SECRET: SECRET_TEXT };

export function runCli(args: string[], env: Record<string, string | undefined>, input: Buffer | string = ""): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("XSMTP_")));
    const child = spawn(process.execPath, [XSMTP_BIN, ...args], { env: { ...clean, HOME: "/nonexistent", ...env } as NodeJS.ProcessEnv });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
