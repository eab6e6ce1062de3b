/**
 * `xsmtp sign`: a filter that reads a message on stdin and writes it signed
 * on stdout. Exit 0 signed; 2 for bad settings or a message that cannot be
 * signed (no From, no Date or Message-ID, a header block PROTOCOL.md §3.1
 * forbids). It adds only the two XSMTP fields; what else it changed (old
 * XSMTP fields removed) is said on stderr.
 */
import type { Command } from "commander";
import { resolveSigner, type SignerFlags } from "../mail/sign/signer-config.js";
import { signStream } from "../mail/sign/sign-stream.js";
import { isRegularFile, signFile } from "../mail/sign/sign-file.js";
import { asUsageError, say, toUsage } from "./errors.js";

export function addSignCommand(program: Command): void {
  program
    .command("sign")
    .description("sign a message: read it on stdin, write it with X-XMPP-Identity and X-XMPP-Hash on stdout")
    .option("--jid <jid>", "the signing identity, a bare JID [env XSMTP_SIGNING_JID]")
    .option("--key-id <id>", "the key id (k=) [env XSMTP_SIGNING_KEY_ID]")
    .option("--secret-file <file>", "file holding the 43-character secret [env XSMTP_SIGNING_SECRET or XSMTP_SIGNING_SECRET_FILE]")
    .option("--headers <names>", "h=: colon-separated field names, naming from, date and message-id (default: PROTOCOL.md §10's list, oversigned)")
    .option("--service <jid>", "s=: the XSMTP service JID, the JID's domain or a subdomain")
    .option("--ip <address>", "ip=: the submitting host's address")
    .option("--expire-after <seconds>", "x=: the signature expires this many seconds after signing")
    .action(async (flags: SignerFlags) => {
      const signer = toUsage(() => resolveSigner(flags));
      try {
        // A file on stdin is read twice instead of spooled (sign-file.ts); a pipe is streamed.
        const { notes } = isRegularFile(0) ? await signFile(0, process.stdout, signer) : await signStream(process.stdin, process.stdout, signer);
        for (const note of notes) say("xsmtp sign", note);
      } catch (err) {
        throw asUsageError(err);
      }
    });
}
