/**
 * How the CLI ends on bad input: one clear line on stderr and a non-zero exit
 * code, never a stack trace for a mistake the user can fix.
 */
import { ConfigError } from "../component/config/config.js";
import { MasterKeyError } from "../component/keys/master-key.js";
import { SchemaTooNewError } from "../component/store/migrate.js";

/** An error whose message is meant for the person at the terminal. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function reportAndExit(err: unknown): never {
  if (err instanceof UsageError) {
    process.stderr.write(`xsmtp: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof ConfigError || err instanceof SchemaTooNewError || err instanceof MasterKeyError) {
    process.stderr.write(`xsmtp: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`xsmtp: unexpected error: ${(err as Error)?.stack ?? err}\n`);
  process.exit(70);
}
