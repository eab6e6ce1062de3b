/**
 * `xsmtp sendmail`: a drop-in for `sendmail -t -i` that signs on the way.
 * The real sendmail gets the same argv and the signed message. A message is
 * never lost because of XSMTP: when signing fails it is sent unsigned with a
 * warning (send) or kept in a directory with a non-zero exit (keep). A
 * missing Date or Message-ID is added before signing, as sendmail would.
 * `submitted` is published before the hand-over, so that the recipients'
 * domains are known to the service before any recipient can verify.
 *
 * References: PROTOCOL.md §2 (date, message-id signed), §6 (submitted); sendmail(8); sysexits.h (75 EX_TEMPFAIL).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { domainOf } from "../../protocol/jid.js";
import { missingFields } from "../message/added-fields.js";
import { spoolBody, type SpooledBody } from "../message/body-spool.js";
import { readHeaderBlock } from "../message/header-block.js";
import { keepMessage } from "./keep-message.js";
import { parseSendmailArgs, untilDotLine } from "./sendmail-args.js";
import { loadSendmailSettings, type SendmailSettings } from "./sendmail-config.js";
import { resolveSigner } from "../sign/signer-config.js";
import { prepareSignature, type PreparedSignature, type SignerOptions } from "../sign/sign-stream.js";
import { publishSubmitted, recipientsOf } from "./submitted-event.js";
import { writeAll } from "../message/write-out.js";

export const EX_TEMPFAIL = 75;
const LOOP_GUARD = "XSMTP_SENDMAIL_ACTIVE";

export async function runSendmail(argv: string[], stdin: Readable, warn: (message: string) => void): Promise<number> {
  const args = parseSendmailArgs(argv);
  const settings = loadSendmailSettings(args.xsmtp);
  if (process.env[LOOP_GUARD]) {
    warn(`${settings.sendmailPath} is xsmtp sendmail itself; set XSMTP_SENDMAIL_PATH to the real sendmail`);
    return EX_TEMPFAIL;
  }
  if (args.notDelivery) return handOver(settings, args.passArgs, stdin);

  const message = await readHeaderBlock(args.ignoreDots ? stdin : untilDotLine(stdin));
  const body = await spoolBody(message.body);
  try {
    let signed: PreparedSignature | undefined;
    let signer: SignerOptions | undefined;
    try {
      signer = resolveSigner({}, settings.env);
      // As sendmail does; `xsmtp sign` refuses instead, being a filter that adds only XSMTP's fields.
      const missing = missingFields(message.split.fields, (signer.now ?? Date.now)(), domainOf(signer.jid));
      signed = prepareSignature(message, body.bodyHash, signer, missing.fields);
      for (const note of [...missing.notes, ...signed.notes]) warn(note);
    } catch (err) {
      if (settings.onSignFailure === "keep") {
        const path = await keepMessage(settings.keepDir, concat([message.head], body));
        warn(`not signed (${(err as Error).message}); the message was NOT sent and is kept in ${path}`);
        return EX_TEMPFAIL;
      }
      warn(`not signed (${(err as Error).message}); sending it unsigned`);
    }
    if (signed && signer && settings.publisher) {
      const recipients = recipientsOf(args.recipients, signed.fields, args.readRecipientsFromHeader);
      await publishSubmitted({ ...settings.publisher, jid: signer.jid }, signer.service, signed.fields, recipients).catch((err) =>
        warn(`could not publish 'submitted': ${(err as { condition?: string }).condition ?? (err as Error).message}`),
      );
    }
    const parts = signed ? [signed.top, signed.head] : [message.head];
    try {
      return await handOver(settings, args.passArgs, concat(parts, body));
    } catch (err) {
      const path = await keepMessage(settings.keepDir, concat(parts, body));
      warn(`cannot run ${settings.sendmailPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the message is kept in ${path}`);
      return EX_TEMPFAIL;
    }
  } finally {
    await body.dispose();
  }
}

async function* concat(first: Buffer[], body: SpooledBody): AsyncGenerator<Buffer> {
  yield* first;
  yield* body.replay();
}

/** Runs the real sendmail with the message on its stdin; resolves with its exit code. */
async function handOver(settings: SendmailSettings, argv: string[], message: AsyncIterable<Buffer>): Promise<number> {
  const child = spawn(settings.sendmailPath, argv, {
    stdio: ["pipe", "inherit", "inherit"],
    env: childEnv(process.env),
  });
  const spawned = Promise.race([once(child, "spawn"), once(child, "error").then(([err]) => Promise.reject(err))]);
  await spawned;
  const exited = new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1))));
  // If sendmail exits early it closes its stdin; its exit code tells what happened, not our EPIPE.
  await writeAll(child.stdin, message, true).catch(() => undefined);
  return exited;
}

/**
 * The real sendmail's environment: ours without any XSMTP_* variable (the
 * signing secret, the XMPP password, the component's secret...), which a
 * mail transfer agent, its queue runner or a local delivery program has no
 * business with and may log; only the loop guard is added.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith("XSMTP_"));
  return { ...Object.fromEntries(kept), [LOOP_GUARD]: "1" };
}
