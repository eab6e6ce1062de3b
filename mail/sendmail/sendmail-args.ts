/**
 * Reads a sendmail command line the way sendmail does, without changing it:
 * the same argv goes to the real sendmail. XSMTP needs only to know the
 * recipients, whether to read them from the header (-t), whether a lone "."
 * ends the input (no -i / -oi), and whether this is a delivery at all
 * (-bs, -bp, -q... are passed through untouched). Its own options are long
 * ones (--on-sign-failure, --keep-dir, --sendmail-path), which sendmail has
 * none of, and are removed before the real sendmail sees the argv.
 *
 * References: sendmail(8) and Postfix sendmail(1) option lists.
 */

export interface SendmailArgs {
  /** The argv for the real sendmail. */
  passArgs: string[];
  recipients: string[];
  readRecipientsFromHeader: boolean;
  /** -i / -oi: a line holding only "." does not end the message. */
  ignoreDots: boolean;
  /** Not a message submission (-bs, -bp, -bi, -q, ...): pass through without signing. */
  notDelivery: boolean;
  xsmtp: Record<string, string>;
}

// Options that take a value, attached (-fuser) or as the next argument (-f user).
const WITH_VALUE = new Set(["B", "C", "F", "f", "h", "L", "N", "O", "p", "R", "r", "V", "X"]);
const XSMTP_OPTIONS = new Set(["on-sign-failure", "keep-dir", "sendmail-path"]);

export function parseSendmailArgs(argv: string[]): SendmailArgs {
  const out: SendmailArgs = { passArgs: [], recipients: [], readRecipientsFromHeader: false, ignoreDots: false, notDelivery: false, xsmtp: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (long && XSMTP_OPTIONS.has(long[1]!)) {
      out.xsmtp[long[1]!] = long[2] ?? argv[++i] ?? "";
      continue;
    }
    out.passArgs.push(arg);
    if (arg === "--") {
      for (const rest of argv.slice(i + 1)) {
        out.passArgs.push(rest);
        out.recipients.push(rest);
      }
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.recipients.push(arg);
      continue;
    }
    const letter = arg[1]!;
    if (WITH_VALUE.has(letter)) {
      if (arg.length === 2 && i + 1 < argv.length) out.passArgs.push(argv[++i]!);
    } else if (letter === "t") out.readRecipientsFromHeader = true;
    else if (letter === "i" || arg === "-oi") out.ignoreDots = true;
    else if (letter === "b" && arg !== "-bm") out.notDelivery = true;
    else if (letter === "q" || letter === "I") out.notDelivery = true;
  }
  return out;
}

/** Stops at a line holding only "." (with LF or CRLF), as sendmail without -i does. */
export async function* untilDotLine(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // state: 0 inside a line, 1 at a line start, 2 after "." at a line start, 3 after ".\r".
  let state = 1;
  // A "." line cut by a chunk end: held back until we know whether it ends the input.
  let carry: Buffer = Buffer.alloc(0);
  for await (const next of input) {
    const chunk = carry.length ? Buffer.concat([carry, next]) : next;
    if (carry.length) state = 1;
    carry = Buffer.alloc(0);
    let dotAt = -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if ((state === 2 || state === 3) && byte === 0x0a) {
        if (dotAt > 0) yield chunk.subarray(0, dotAt);
        return;
      }
      if (state === 2 && byte === 0x0d) state = 3;
      else if (state === 1 && byte === 0x2e) {
        state = 2;
        dotAt = i;
      } else state = byte === 0x0a ? 1 : 0;
    }
    if (state === 2 || state === 3) {
      if (dotAt > 0) yield chunk.subarray(0, dotAt);
      carry = chunk.subarray(dotAt);
    } else yield chunk;
  }
  // A "." at the very end without a line break is content.
  if (carry.length) yield carry;
}
