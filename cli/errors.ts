/**
 * How the CLI speaks on stderr and ends on bad input: one clear line,
 * prefixed with the command (`xsmtp verify: ...`), and a non-zero exit code,
 * never a stack trace for a mistake the user can fix. Every command reports
 * through here, so the wording and exit codes stay one convention.
 */
import { ConfigError } from "../component/config/config.js";
import { MasterKeyError } from "../component/keys/master-key.js";
import { SchemaTooNewError } from "../component/store/migrate.js";
import { MessageTooLargeHeaderError } from "../mail/message/header-block.js";
import { SignatureOptionError } from "../mail/sign/sign-fields.js";
import { UnsignableMessageError } from "../mail/sign/sign-stream.js";
import { SignerConfigError } from "../mail/sign/signer-config.js";

/**
 * `xsmtp run`'s exit codes, which a supervisor reads (contrib/systemd/):
 * 0 after SIGTERM/SIGINT; 2 a bad setting, key file or schema; this one when
 * the XMPP server refused the component for good (wrong secret, JID already
 * attached, unknown host). Restarting cannot help any of those, while any
 * other code (1 for a crash, 70 for an unexpected error) may pass with a
 * restart. 78 is sysexits.h's EX_CONFIG.
 */
export const EXIT_REFUSED_BY_SERVER = 78;

/** An error whose message is meant for the person at the terminal. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** One line on stderr: `who` is the command as typed (`xsmtp`, `xsmtp sign`). */
export function say(who: string, message: string): void {
  process.stderr.write(`${who}: ${message}\n`);
}

/** The unexpected, with its stack: a bug to report, not a mistake to fix. */
export const unexpected = (err: unknown) => `unexpected error: ${(err as Error)?.stack ?? err}`;

export function reportAndExit(err: unknown): never {
  if (err instanceof UsageError) {
    say("xsmtp", err.message);
    process.exit(err.exitCode);
  }
  if (err instanceof ConfigError || err instanceof SchemaTooNewError || err instanceof MasterKeyError) {
    say("xsmtp", err.message);
    process.exit(2);
  }
  say("xsmtp", unexpected(err));
  process.exit(70);
}

/** Problems with the message or the signing settings are the user's to fix: exit 2, no stack trace. */
export function asUsageError(err: unknown): unknown {
  const known = [SignerConfigError, UnsignableMessageError, MessageTooLargeHeaderError, SignatureOptionError];
  return known.some((k) => err instanceof k) ? new UsageError((err as Error).message, 2) : err;
}

export function toUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asUsageError(err);
  }
}
