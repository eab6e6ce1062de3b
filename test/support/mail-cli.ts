/** The mail commands as a user with no configuration of their own runs them: only the test's variables count. */
import { runXsmtp, type RunResult, type XsmtpVariables } from "../../devtools/xsmtp-process.js";

export const SECRET_TEXT = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM";
export const SIGNER_ENV = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: "laptop", XSMTP_SIGNING_SECRET: SECRET_TEXT };

export function runCli(args: string[], env: XsmtpVariables, input: Buffer | string = ""): Promise<RunResult> {
  return runXsmtp(args, env, { input, isolated: true });
}
