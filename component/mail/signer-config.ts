/**
 * The signer's settings, from command-line options or the environment (the
 * option wins). The secret is read from a file or the environment, never
 * from the command line, where other users could see it in the process list,
 * and it is never echoed in an error.
 *
 * Environment: XSMTP_SIGNING_JID, XSMTP_SIGNING_KEY_ID, XSMTP_SIGNING_SECRET
 * (43 characters of base64url), XSMTP_SIGNING_SECRET_FILE, XSMTP_SIGNING_SERVICE
 * (s=), XSMTP_SIGNING_HEADERS (h=, colon-separated), XSMTP_SIGNING_EXPIRE_AFTER.
 *
 * References: PROTOCOL.md §2 (j, k, s, x, h), §3 (secrets).
 */
import { readFileSync } from "node:fs";
import { decodeSecret } from "../signature/index.js";
import { domainOf, parseUserJid } from "../xmpp/jid.js";
import type { SignerOptions } from "./sign-stream.js";

export interface SignerFlags {
  jid?: string;
  keyId?: string;
  secretFile?: string;
  headers?: string;
  service?: string;
  ip?: string;
  expireAfter?: string;
}

export class SignerConfigError extends Error {}

export function resolveSigner(flags: SignerFlags, env: NodeJS.ProcessEnv = process.env): SignerOptions {
  const pick = (flag: string | undefined, key: string) => flag ?? (env[key]?.trim() || undefined);
  const jidText = pick(flags.jid, "XSMTP_SIGNING_JID");
  if (!jidText) throw new SignerConfigError("no signing identity: give --jid or set XSMTP_SIGNING_JID");
  const jid = parseUserJid(jidText);
  if (!jid) throw new SignerConfigError(`--jid: "${jidText}" is not a bare JID such as alice@example.org`);
  const keyId = pick(flags.keyId, "XSMTP_SIGNING_KEY_ID");
  if (!keyId) throw new SignerConfigError("no key id: give --key-id or set XSMTP_SIGNING_KEY_ID");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyId)) throw new SignerConfigError(`--key-id: "${keyId}" is not a key id ([A-Za-z0-9_-]{1,64})`);

  const options: SignerOptions = { jid, keyId, secret: readSecret(flags.secretFile, env) };
  const headers = pick(flags.headers, "XSMTP_SIGNING_HEADERS");
  if (headers) options.headerNames = headers.split(/[:,]/).map((n) => n.trim()).filter(Boolean);
  const service = pick(flags.service, "XSMTP_SIGNING_SERVICE")?.toLowerCase();
  if (service) {
    // PROTOCOL.md §4: a verifier ignores an s= outside j's domain, so such a signature would mislead.
    const domain = domainOf(jid);
    if (service !== domain && !service.endsWith("." + domain)) {
      throw new SignerConfigError(`--service: ${service} is neither ${domain} nor a subdomain of it`);
    }
    options.service = service;
  }
  if (flags.ip) options.ip = flags.ip;
  const expire = pick(flags.expireAfter, "XSMTP_SIGNING_EXPIRE_AFTER");
  if (expire !== undefined) {
    if (!/^[1-9][0-9]*$/.test(expire)) throw new SignerConfigError(`--expire-after: expected a positive number of seconds`);
    options.expireAfter = Number(expire);
  }
  return options;
}

function readSecret(file: string | undefined, env: NodeJS.ProcessEnv): Buffer {
  const path = file ?? (env.XSMTP_SIGNING_SECRET_FILE?.trim() || undefined);
  let text: string | undefined;
  let source = "XSMTP_SIGNING_SECRET";
  if (path) {
    source = `secret file ${path}`;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new SignerConfigError(`cannot read the ${source}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
  } else {
    text = env.XSMTP_SIGNING_SECRET;
  }
  if (!text) throw new SignerConfigError("no signing secret: give --secret-file or set XSMTP_SIGNING_SECRET");
  const secret = decodeSecret(text);
  if (!secret) throw new SignerConfigError(`the ${source} does not hold a secret (43 characters of unpadded base64url)`);
  return secret;
}
