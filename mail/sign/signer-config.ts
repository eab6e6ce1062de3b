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
 * Every tag value is refused when it holds a line break, naming the option:
 * written into X-XMPP-Hash it would end the field and start another (an
 * operator-supplied ip= is the classic case).
 *
 * References: PROTOCOL.md §2 (j, k, s, ip, x, h; no CR or LF in a tag
 * value), §3 (secrets); RFC 6376 §3.2 (tag values).
 */
import { readFileSync } from "node:fs";
import { decodeSecret, REQUIRED_HEADERS } from "../../signature/index.js";
import { domainOf, parseUserJid } from "../../protocol/jid.js";
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
  // Checked before trimming: a line break anywhere in a tag value could start a new header field (§2).
  const pick = (flag: string | undefined, option: string, key?: string) => {
    const raw = flag ?? (key ? env[key] : undefined);
    if (raw !== undefined && /[\r\n]/.test(raw)) {
      throw new SignerConfigError(`${flag !== undefined || !key ? option : key}: the value holds a line break (CR or LF), which a tag value must not (PROTOCOL.md §2)`);
    }
    return flag ?? (raw?.trim() || undefined);
  };
  const jidText = pick(flags.jid, "--jid", "XSMTP_SIGNING_JID");
  if (!jidText) throw new SignerConfigError("no signing identity: give --jid or set XSMTP_SIGNING_JID");
  const jid = parseUserJid(jidText);
  if (!jid || jid.includes(";")) throw new SignerConfigError(`--jid: "${jidText}" is not a bare JID such as alice@example.org`);
  const keyId = pick(flags.keyId, "--key-id", "XSMTP_SIGNING_KEY_ID");
  if (!keyId) throw new SignerConfigError("no key id: give --key-id or set XSMTP_SIGNING_KEY_ID");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyId)) throw new SignerConfigError(`--key-id: "${keyId}" is not a key id ([A-Za-z0-9_-]{1,64})`);

  const options: SignerOptions = { jid, keyId, secret: readSecret(flags.secretFile, env) };
  const headers = pick(flags.headers, "--headers", "XSMTP_SIGNING_HEADERS");
  if (headers) options.headerNames = headerNames(headers);
  const service = pick(flags.service, "--service", "XSMTP_SIGNING_SERVICE")?.toLowerCase();
  if (service) {
    tagValue("--service", service);
    // PROTOCOL.md §4: a verifier ignores an s= outside j's domain, so such a signature would mislead.
    const domain = domainOf(jid);
    if (service !== domain && !service.endsWith("." + domain)) {
      throw new SignerConfigError(`--service: ${service} is neither ${domain} nor a subdomain of it`);
    }
    options.service = service;
  }
  const ip = pick(flags.ip, "--ip");
  if (ip) options.ip = tagValue("--ip", ip);
  const expire = pick(flags.expireAfter, "--expire-after", "XSMTP_SIGNING_EXPIRE_AFTER");
  if (expire !== undefined) {
    if (!/^[1-9][0-9]*$/.test(expire)) throw new SignerConfigError(`--expire-after: expected a positive number of seconds`);
    options.expireAfter = Number(expire);
  }
  return options;
}

/** A DKIM tag value (RFC 6376 §3.2 VALCHAR): printable ASCII without ";", which would end the tag. */
function tagValue(option: string, value: string): string {
  if (!/^[\x21-\x3a\x3c-\x7e]+$/.test(value)) {
    throw new SignerConfigError(`${option}: the value holds white space, a control character, ";" or non-ASCII, which a tag value must not (PROTOCOL.md §2)`);
  }
  return value;
}

/** h= from the user: field names (RFC 5322 ftext, no ";"), which must include the ones §2 requires. */
function headerNames(text: string): string[] {
  const names = text.split(/[:,]/).map((n) => n.trim().toLowerCase()).filter(Boolean);
  const bad = names.find((n) => !/^[\x21-\x39\x3c-\x7e]+$/.test(n));
  if (bad !== undefined) throw new SignerConfigError(`--headers: "${bad}" is not a header field name`);
  // x-xmpp-identity is not required here: the signer always adds (and oversigns) it.
  const missing = REQUIRED_HEADERS.filter((n) => n !== "x-xmpp-identity" && !names.includes(n));
  if (missing.length) {
    throw new SignerConfigError(`--headers: h= must name ${REQUIRED_HEADERS.join(", ")} (PROTOCOL.md §2); missing: ${missing.join(", ")}`);
  }
  return names;
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
