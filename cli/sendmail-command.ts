/**
 * `xsmtp sendmail [sendmail options] [recipients]` and the `xsmtp-sendmail`
 * binary: sendmail's own options (-t, -i, -oi, -f ADDR, -F NAME, -h N...)
 * must reach the real sendmail untouched, so commander does not parse this
 * command's arguments; it only lists the command in `xsmtp --help`.
 */
import type { Command } from "commander";
import { runSendmail } from "../mail/sendmail/sendmail.js";
import { SendmailConfigError } from "../mail/sendmail/sendmail-config.js";
import { say, unexpected } from "./errors.js";

export const SENDMAIL_HELP = `Usage: xsmtp sendmail [sendmail options] [recipient...]

A drop-in for /usr/sbin/sendmail (as called by mutt, git send-email, cron):
signs the message with the configured key (adding Date and Message-ID when
missing), optionally publishes 'submitted', and hands it to the real sendmail
with the same arguments, in an environment without any XSMTP_* variable.

XSMTP's own options (removed before the real sendmail runs):
  --on-sign-failure send|keep   send unsigned with a warning (default), or keep and exit 75
  --keep-dir DIR                where kept messages go
  --sendmail-path PATH          the real sendmail (default /usr/sbin/sendmail)

Settings (environment, or KEY=value lines in $XSMTP_SENDMAIL_CONFIG,
default ~/.config/xsmtp/sendmail.conf): XSMTP_SIGNING_JID, XSMTP_SIGNING_KEY_ID,
XSMTP_SIGNING_SECRET or XSMTP_SIGNING_SECRET_FILE, XSMTP_SIGNING_SERVICE,
XSMTP_SIGNING_HEADERS, XSMTP_SIGNING_EXPIRE_AFTER, XSMTP_SENDMAIL_PATH,
XSMTP_ON_SIGN_FAILURE, XSMTP_KEEP_DIR, XSMTP_XMPP_PASSWORD or
XSMTP_XMPP_PASSWORD_FILE and XSMTP_XMPP_SERVER (to publish 'submitted').
`;

export function addSendmailCommand(program: Command): void {
  program
    .command("sendmail")
    .description("sign and hand a message to the real sendmail (a drop-in for sendmail -t -i)")
    .allowUnknownOption()
    .allowExcessArguments();
}

/** Runs the command and exits with the real sendmail's exit code (or 75 when a message was kept). */
export async function sendmailMain(argv: string[]): Promise<never> {
  if (argv.includes("--xsmtp-help")) {
    process.stdout.write(SENDMAIL_HELP);
    process.exit(0);
  }
  const warn = (message: string) => say("xsmtp sendmail", message);
  try {
    process.exit(await runSendmail(argv, process.stdin, warn));
  } catch (err) {
    warn(err instanceof SendmailConfigError ? err.message : unexpected(err));
    process.exit(75);
  }
}
