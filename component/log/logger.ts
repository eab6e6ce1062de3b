/**
 * Structured logs on stderr (stdout belongs to command output) with pino:
 * it is fast, well kept, and its `redact` option is a second line of defence
 * should a secret-bearing field ever be passed by mistake. The first line is
 * that no code logs secrets, MACs or stanzas that may carry them.
 */
import { pino, destination as pinoDestination, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, destination: number = 2): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ["secret", "*.secret", "password", "*.password", "mac", "*.mac"], censor: "[redacted]" },
    },
    pinoDestination({ fd: destination, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
