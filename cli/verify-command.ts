/**
 * `xsmtp verify`: reads a message on stdin and prints an
 * Authentication-Results field, or (--add-header) the whole message with
 * that field on top, as a mail filter, after removing every
 * Authentication-Results field that carries our authserv-id (RFC 8601 §5).
 * --batch DIR verifies every file of a directory over one XMPP session; a
 * file refused locally (§3.1) never touches the session. Exit 0 pass, 1 fail, 2 permerror or no
 * signature, 3 temperror (for a batch: the highest of the files' codes).
 */
import type { Command } from "commander";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { renderAuthResults } from "../mail/verify/auth-results.js";
import { hashBody, spoolBody } from "../mail/message/body-spool.js";
import { readHeaderBlock } from "../mail/message/header-block.js";
import { removeOwnAuthResults } from "../mail/verify/own-auth-results.js";
import { authservIdFor, discoveryTimeoutOf, resolveVerifierSession, type VerifierFlags } from "../mail/verify/verifier-config.js";
import { Verifier } from "../mail/verify/verifier.js";
import { exitCodeOf } from "../mail/verify/verify-report.js";
import { writeAll } from "../mail/message/write-out.js";
import { asUsageError, say, UsageError } from "./errors.js";

interface VerifyFlags extends VerifierFlags {
  addHeader?: boolean;
  report?: string;
  batch?: string;
}

export function addVerifyCommand(program: Command): void {
  program
    .command("verify")
    .description("verify a message's X-XMPP-Hash with the sender's XSMTP service; print Authentication-Results")
    .option("--jid <jid>", "the verifier's XMPP account [env XSMTP_VERIFIER_JID]")
    .option("--password-file <file>", "file holding its password [env XSMTP_VERIFIER_PASSWORD or XSMTP_VERIFIER_PASSWORD_FILE]")
    .option("--server <url>", "xmpp://host:port of its server (default: the JID's domain, port 5222) [env XSMTP_VERIFIER_SERVER]")
    .option("--authserv-id <id>", "authserv-id of the Authentication-Results field (default: the JID's domain) [env XSMTP_AUTHSERV_ID]")
    .option("--timeout <seconds>", "for the login and each request", "15")
    .option("--discovery-timeout <seconds>", "one deadline for finding a domain's service", "20")
    .option("--add-header", "write the whole message with Authentication-Results prepended (a filter)")
    .option("--report <stage>", "after a pass, publish this progress stage to the sender's service: delivered or read")
    .option("--batch <dir>", "verify every file in DIR over one session; print: file, result, reason")
    .action(async (flags: VerifyFlags) => {
      if (flags.report !== undefined && flags.report !== "delivered" && flags.report !== "read") {
        throw new UsageError(`--report: expected delivered or read, got "${flags.report}"`, 2);
      }
      const verifier = new Verifier({
        session: resolveVerifierSession(flags),
        reportStage: flags.report as "delivered" | "read" | undefined,
        discoveryTimeout: discoveryTimeoutOf(flags),
        warn: (message) => say("xsmtp verify", message),
      });
      try {
        process.exitCode = flags.batch ? await verifyBatch(verifier, flags.batch) : await verifyOne(verifier, flags);
      } finally {
        await verifier.close();
      }
    });
}

async function verifyOne(verifier: Verifier, flags: VerifyFlags): Promise<number> {
  const message = await readHeaderBlock(process.stdin).catch((err) => Promise.reject(asUsageError(err)));
  const authservId = authservIdFor(flags);
  if (!flags.addHeader) {
    const report = await verifier.verify(message.head, await hashBody(message.body));
    process.stdout.write(renderAuthResults(authservId, report, "\n") + "\n");
    return exitCodeOf(report.result);
  }
  const body = await spoolBody(message.body);
  try {
    const report = await verifier.verify(message.head, body.bodyHash);
    const eol = message.split.lineEnding;
    const head = removeOwnAuthResults(message.head, authservId);
    await writeAll(process.stdout, [renderAuthResults(authservId, report, eol) + eol, head]);
    await writeAll(process.stdout, body.replay());
    return exitCodeOf(report.result);
  } finally {
    await body.dispose();
  }
}

async function verifyBatch(verifier: Verifier, dir: string): Promise<number> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  let worst = 0;
  for (const name of entries) {
    let line: string;
    let code: number;
    try {
      const message = await readHeaderBlock(createReadStream(join(dir, name)));
      const report = await verifier.verify(message.head, await hashBody(message.body));
      line = `${report.result}\t${report.reason ?? "-"}`;
      code = exitCodeOf(report.result);
    } catch (err) {
      // One unreadable file must not end the batch.
      line = `permerror\tunreadable: ${(err as Error).message}`;
      code = 2;
    }
    process.stdout.write(`${name}\t${line}\n`);
    worst = Math.max(worst, code);
  }
  return worst;
}
