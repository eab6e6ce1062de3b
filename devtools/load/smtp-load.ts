/**
 * SMTP load for the milter benchmark, two ways:
 * - `smtpSource`: Postfix's own generator (C, nearly free), timed whole;
 *   it writes its own messages (From, To, Date, Message-Id and N bytes).
 * - `smtpLoad`: a small client for what smtp-source cannot do: send given
 *   messages (Postfix 3.7's smtp-source has no option to send a file, and
 *   verification needs signed mail) and time each message from its final
 *   "." to the 250 (the milter's end-of-message work sits in that gap).
 *
 * References: RFC 5321 §4.1 (commands, replies, dot-stuffing); smtp-source(1).
 */
import { execFile } from "node:child_process";
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";

export interface SourceLoad {
  port: number;
  messages: number;
  sessions: number;
  bytes: number;
  from: string;
  to: string;
}

/** Runs smtp-source; resolves with messages per second over its whole run. */
export function smtpSource(load: SourceLoad): Promise<number> {
  const args = ["-m", `${load.messages}`, "-s", `${load.sessions}`, "-l", `${load.bytes}`, "-f", load.from, "-t", load.to, `127.0.0.1:${load.port}`];
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile("smtp-source", args, { timeout: 120_000 }, (err, _out, stderr) =>
      // smtp-source exits 0 even when the server refuses mail, but says so on stderr.
      err || stderr.trim() ? reject(new Error(`smtp-source ${args.join(" ")}: ${err?.message ?? ""} ${stderr}`)) : resolve((load.messages / (performance.now() - started)) * 1000),
    ),
  );
}

export interface MessageLoad {
  port: number;
  /** Whole messages (CRLF lines); sent in order over `sessions` parallel connections. */
  messages: Buffer[];
  sessions: number;
  from: string;
  to: string;
}

export interface LoadResult {
  perS: number;
  /** Per message: final "." sent to 250 received, in ms. */
  latenciesMs: number[];
}

export async function smtpLoad(load: MessageLoad): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const session = async () => {
    const smtp = await SmtpConnection.open(load.port);
    try {
      await smtp.expect("EHLO bench.example", 250);
      for (let i = next++; i < load.messages.length; i = next++) {
        await smtp.expect(`MAIL FROM:<${load.from}>`, 250);
        await smtp.expect(`RCPT TO:<${load.to}>`, 250);
        await smtp.expect("DATA", 354);
        const t = performance.now();
        await smtp.expect(dotStuffed(load.messages[i]!), 250, false);
        latenciesMs.push(performance.now() - t);
      }
      await smtp.expect("QUIT", 221);
    } finally {
      smtp.close();
    }
  };
  await Promise.all(Array.from({ length: load.sessions }, session));
  return { perS: (load.messages.length / (performance.now() - started)) * 1000, latenciesMs };
}

function dotStuffed(message: Buffer): string {
  const text = message.toString("latin1").replace(/^\./gm, "..");
  return `${text.endsWith("\r\n") ? text : text + "\r\n"}.`;
}

/** One connection: send a line (or a whole DATA block), wait for the complete reply. */
class SmtpConnection {
  private buffered = "";
  private waiter?: () => void;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => {
      this.buffered += d.toString("latin1");
      this.waiter?.();
    });
    socket.on("error", () => this.waiter?.());
    socket.on("close", () => this.waiter?.());
  }

  static async open(port: number): Promise<SmtpConnection> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const smtp = new SmtpConnection(socket);
    await smtp.expect(undefined, 220);
    return smtp;
  }

  /** Sends `line` (unless undefined), reads one reply; throws unless its code is `code`. */
  async expect(line: string | undefined, code: number, echo = true): Promise<void> {
    if (line !== undefined) this.socket.write(`${line}\r\n`, "latin1");
    const reply = await this.reply();
    if (!reply.startsWith(`${code} `) && !reply.startsWith(`${code}-`)) {
      throw new Error(`SMTP: ${echo && line ? line : "(message)"} got ${reply.trim()}`);
    }
  }

  /** A reply ends with a line "NNN text" (continuation lines are "NNN-text"). */
  private async reply(): Promise<string> {
    for (;;) {
      const end = /(^|\r\n)\d{3} [^\r\n]*\r\n/.exec(this.buffered);
      if (end) {
        const upTo = end.index + end[0].length;
        const reply = this.buffered.slice(0, upTo);
        this.buffered = this.buffered.slice(upTo);
        return reply;
      }
      if (this.socket.destroyed) throw new Error(`SMTP connection closed; got ${this.buffered}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
