/**
 * Settings of `xsmtp sendmail`. Mail programs call sendmail with a fixed
 * command line, so the settings come from the environment or from a file of
 * KEY=value lines named by XSMTP_SENDMAIL_CONFIG (default
 * ~/.config/xsmtp/sendmail.conf when it exists); the environment wins.
 *
 *   XSMTP_SIGNING_JID, XSMTP_SIGNING_KEY_ID, XSMTP_SIGNING_SECRET or
 *   XSMTP_SIGNING_SECRET_FILE, XSMTP_SIGNING_SERVICE, XSMTP_SIGNING_HEADERS,
 *   XSMTP_SIGNING_EXPIRE_AFTER  the signer (see signer-config.ts)
 *   XSMTP_SENDMAIL_PATH         the real sendmail [/usr/sbin/sendmail]
 *   XSMTP_ON_SIGN_FAILURE       send (unsigned, with a warning) or keep [send]
 *   XSMTP_KEEP_DIR              where kept messages go [~/.local/state/xsmtp/kept]
 *   XSMTP_XMPP_PASSWORD or XSMTP_XMPP_PASSWORD_FILE, XSMTP_XMPP_SERVER
 *                               the signing JID's own XMPP account, to publish
 *                               `submitted` (optional)
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { SessionOptions } from "../xmpp/xmpp-session.js";

export interface SendmailSettings {
  env: NodeJS.ProcessEnv;
  sendmailPath: string;
  onSignFailure: "send" | "keep";
  keepDir: string;
  /** The signing identity's own account, without the JID (that is the signer's). */
  publisher?: Omit<SessionOptions, "jid">;
}

export class SendmailConfigError extends Error {}

export function loadSendmailSettings(flags: Record<string, string>, processEnv: NodeJS.ProcessEnv = process.env): SendmailSettings {
  const env = { ...readConfigFile(processEnv), ...definedOnly(processEnv) };
  const onSignFailure = flags["on-sign-failure"] ?? env.XSMTP_ON_SIGN_FAILURE ?? "send";
  if (onSignFailure !== "send" && onSignFailure !== "keep") {
    throw new SendmailConfigError(`--on-sign-failure: expected send or keep, got "${onSignFailure}"`);
  }
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  const settings: SendmailSettings = {
    env,
    sendmailPath: flags["sendmail-path"] ?? env.XSMTP_SENDMAIL_PATH ?? "/usr/sbin/sendmail",
    onSignFailure,
    keepDir: flags["keep-dir"] ?? env.XSMTP_KEEP_DIR ?? join(state, "xsmtp", "kept"),
  };
  let password: string | undefined = env.XSMTP_XMPP_PASSWORD;
  if (env.XSMTP_XMPP_PASSWORD_FILE) {
    try {
      password = readFileSync(env.XSMTP_XMPP_PASSWORD_FILE, "utf8").replace(/\r?\n$/, "");
    } catch {
      password = undefined; // publishing is optional: the caller warns that it is off
    }
  }
  if (password) settings.publisher = { password, server: env.XSMTP_XMPP_SERVER || undefined, timeout: 10_000 };
  return settings;
}

function readConfigFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const explicit = env.XSMTP_SENDMAIL_CONFIG;
  const file = explicit || join(homedir(), ".config", "xsmtp", "sendmail.conf");
  if (!explicit && !existsSync(file)) return {};
  try {
    return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
  } catch (err) {
    throw new SendmailConfigError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
}
