/**
 * The verifier's XMPP account, from options or the environment (the option
 * wins): XSMTP_VERIFIER_JID, XSMTP_VERIFIER_PASSWORD or
 * XSMTP_VERIFIER_PASSWORD_FILE, XSMTP_VERIFIER_SERVER (xmpp://host:port),
 * XSMTP_AUTHSERV_ID. The password never comes from the command line.
 *
 * References: RFC 8601 §2.5 (authserv-id); PROTOCOL.md §1 (a verifier has any JID), §4 (deadline).
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { domainOf, parseUserJid } from "../../protocol/jid.js";
import type { SessionOptions } from "../xmpp/xmpp-session.js";

export interface VerifierFlags {
  jid?: string;
  passwordFile?: string;
  server?: string;
  authservId?: string;
  timeout?: string;
  discoveryTimeout?: string;
}

export function resolveVerifierSession(flags: VerifierFlags, env: NodeJS.ProcessEnv = process.env): SessionOptions | { missing: string } {
  const jidText = flags.jid ?? (env.XSMTP_VERIFIER_JID?.trim() || undefined);
  if (!jidText) return { missing: "no verifier account: give --jid or set XSMTP_VERIFIER_JID" };
  const jid = parseUserJid(jidText);
  if (!jid) return { missing: `--jid: "${jidText}" is not a bare JID` };
  const file = flags.passwordFile ?? (env.XSMTP_VERIFIER_PASSWORD_FILE?.trim() || undefined);
  let password = env.XSMTP_VERIFIER_PASSWORD;
  if (file) {
    try {
      password = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      return { missing: `cannot read the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}` };
    }
  }
  if (!password) return { missing: "no verifier password: give --password-file or set XSMTP_VERIFIER_PASSWORD" };
  const server = flags.server ?? (env.XSMTP_VERIFIER_SERVER?.trim() || undefined);
  if (server && !/^xmpp:\/\/[^/:]+:[0-9]{1,5}$/.test(server)) return { missing: `--server: expected xmpp://host:port` };
  return { jid, password, server, timeout: millisecondsOf(flags.timeout, 15) };
}

/** The one deadline for a discovery (PROTOCOL.md §4, default 20 s), in milliseconds. */
export function discoveryTimeoutOf(flags: VerifierFlags): number {
  return millisecondsOf(flags.discoveryTimeout, 20);
}

/** Seconds given as text, in milliseconds; the default when absent or not a positive number. */
function millisecondsOf(text: string | undefined, fallbackSeconds: number): number {
  const seconds = Number(text ?? fallbackSeconds);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : fallbackSeconds) * 1000;
}

export function authservIdFor(flags: VerifierFlags, env: NodeJS.ProcessEnv = process.env): string {
  const given = flags.authservId ?? (env.XSMTP_AUTHSERV_ID?.trim() || undefined);
  if (given) return given;
  const jid = parseUserJid(flags.jid ?? env.XSMTP_VERIFIER_JID ?? "");
  return jid ? domainOf(jid) : hostname();
}
