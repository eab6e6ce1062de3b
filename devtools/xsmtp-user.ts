/**
 * `xsmtp user … --json` as the demo and the integration tests call it: run
 * the real command, refuse a non-zero exit with what it printed on stderr,
 * and read its JSON. Each of them used to repeat those three steps.
 */
import { runXsmtp, type RunOptions, type XsmtpVariables } from "./xsmtp-process.js";

/** What `xsmtp user enroll|add-key|rotate-key --json` prints (cli/user-command.ts). */
export interface IssuedKeyJson {
  jid: string;
  key_id: string;
  secret: string;
}

/** Runs `xsmtp user ARGS --json` and parses what it prints; throws, with its stderr, unless it exits 0. */
export async function userWithCli<T = unknown>(args: string[], env: XsmtpVariables, options: RunOptions = {}): Promise<T> {
  const r = await runXsmtp(["user", ...args, "--json"], env, options);
  if (r.code !== 0) throw new Error(`xsmtp user ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as T;
}

/** Enrolls `jid` with its first key (labelled when `label` is given) and answers the key. */
export function enrollWithCli(jid: string, env: XsmtpVariables, label?: string, options: RunOptions = {}): Promise<IssuedKeyJson> {
  const labelArgs = label === undefined ? [] : ["--label", label];
  return userWithCli<IssuedKeyJson>(["enroll", jid, ...labelArgs], env, options);
}
