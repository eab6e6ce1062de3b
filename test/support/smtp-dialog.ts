// A minimal SMTP client for tests that need more than swaks offers, such as
// several messages in one session: sends one command at a time and returns
// each complete reply (the last line has a space after the code).
//
// References: RFC 5321 §4.2 (reply lines), §4.5.2 (dot-stuffing).
import { connect } from "node:net";

export interface SmtpReply {
  code: number;
  text: string;
}

/** Runs the commands in order; a DATA body is sent as given and must end with CRLF.CRLF. */
export async function smtpDialog(port: number, commands: string[]): Promise<SmtpReply[]> {
  const socket = connect(port, "127.0.0.1");
  let buffered = "";
  let waiting: ((reply: SmtpReply) => void) | undefined;
  const pending: SmtpReply[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (text: string) => {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf("\r\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line[3] === "-") continue; // a continuation line of a multi-line reply
      const reply = { code: Number(line.slice(0, 3)), text: line };
      if (waiting) (waiting(reply), (waiting = undefined));
      else pending.push(reply);
    }
  });
  const failed = new Promise<never>((_, reject) => socket.once("error", reject));
  const next = () => Promise.race([failed, new Promise<SmtpReply>((resolve) => (pending.length ? resolve(pending.shift()!) : (waiting = resolve)))]);
  const replies = [await next()]; // the greeting
  for (const command of commands) {
    socket.write(command.endsWith("\r\n") ? command : `${command}\r\n`);
    replies.push(await next());
  }
  socket.end();
  return replies;
}
