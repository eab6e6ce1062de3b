// References: PROTOCOL.md §2 (tags), §3.2 (limits) and §5 group (1) (check
// order); RFC 6376 §3.5 (DKIM-Signature tags this mirrors), RFC 4648 §4.
import { isBase64 } from "./base64.js";
import { stripFws, trimFws } from "./fws.js";
import { parseTagList } from "./tag-list.js";

export interface HashHeader {
  version: string;
  algorithm: string;
  /** The JID exactly as given; comparing it with X-XMPP-Identity is the verifier's job. */
  jid: string;
  keyId: string;
  signedAt: number;
  expiresAt?: number;
  service?: string;
  ip?: string;
  /** Lower-cased, in signing order, repeats kept (they matter for oversigning). */
  headerNames: string[];
  /** bh with folding white space removed. */
  bodyHash: string;
  /** b with folding white space removed. */
  mac: string;
  /** The header value as received, needed to rebuild the signing input. */
  raw: string;
}

export type HashHeaderError =
  | "malformed-signature"
  | "unsupported-version"
  | "unsupported-algorithm"
  | "missing-header";

export const SUPPORTED_VERSION = "1";
export const SUPPORTED_ALGORITHM = "hmac-sha256";
export const REQUIRED_HEADERS = ["from", "date", "message-id", "x-xmpp-identity"] as const;
/** PROTOCOL.md §3.2: the largest X-XMPP-Hash value accepted, in UTF-8 octets. */
export const MAX_HASH_FIELD_OCTETS = 8192;
/** PROTOCOL.md §3.2: the most names h= may list (repeats, for oversigning, count). */
export const MAX_SIGNED_NAMES = 64;

const REQUIRED_TAGS = ["v", "a", "j", "k", "t", "h", "bh", "b"] as const;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UNIX_SECONDS = /^[0-9]+$/;
// RFC 5322 §3.6.8 field-name: printable ASCII except ":".
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Parses an X-XMPP-Hash value. Every malformation is reported before a
 * version or algorithm problem, so that a garbled header of a future version
 * is still called malformed, as PROTOCOL.md §5 orders the checks. The size
 * limit comes before any parsing, so an oversized value costs one length check.
 * Answers the header or the error word, as every core does (README, Code layout).
 */
export function parseHashHeader(value: string): HashHeader | HashHeaderError {
  if (exceedsOctets(value, MAX_HASH_FIELD_OCTETS)) return "malformed-signature";
  const tags = parseTagList(value);
  if (!tags) return "malformed-signature";
  for (const tag of REQUIRED_TAGS) if (!tags.get(tag)) return "malformed-signature";

  const keyId = tags.get("k")!;
  const signedAt = parseSeconds(tags.get("t")!);
  const x = tags.get("x");
  const expiresAt = x === undefined ? undefined : parseSeconds(x);
  const headerNames = parseHeaderNames(tags.get("h")!);
  const bodyHash = stripFws(tags.get("bh")!);
  const mac = stripFws(tags.get("b")!);
  if (
    !KEY_ID.test(keyId) ||
    signedAt === null ||
    expiresAt === null ||
    (expiresAt !== undefined && expiresAt <= signedAt) ||
    headerNames === null ||
    !isBase64(bodyHash) ||
    !isBase64(mac)
  ) {
    return "malformed-signature";
  }

  const version = tags.get("v")!;
  const algorithm = tags.get("a")!;
  if (version !== SUPPORTED_VERSION) return "unsupported-version";
  if (algorithm !== SUPPORTED_ALGORITHM) return "unsupported-algorithm";
  for (const name of REQUIRED_HEADERS) {
    if (!headerNames.includes(name)) return "missing-header";
  }

  const header: HashHeader = {
    version,
    algorithm,
    jid: tags.get("j")!,
    keyId,
    signedAt,
    headerNames,
    bodyHash,
    mac,
    raw: value,
  };
  if (expiresAt !== undefined) header.expiresAt = expiresAt;
  const service = tags.get("s");
  if (service !== undefined) header.service = service;
  const ip = tags.get("ip");
  if (ip !== undefined) header.ip = ip;
  return header;
}

function parseSeconds(text: string): number | null {
  if (!UNIX_SECONDS.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Whether the UTF-8 encoding of text is longer than max octets. */
function exceedsOctets(text: string, max: number): boolean {
  // A UTF-16 code unit never encodes to fewer than one octet, so a long string
  // is refused without being measured.
  return text.length > max || Buffer.byteLength(text, "utf8") > max;
}

/** RFC 6376 §3.5 h=: names separated by ":" with optional FWS around each. */
function parseHeaderNames(text: string): string[] | null {
  let separators = 0;
  for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) separators++;
  if (separators + 1 > MAX_SIGNED_NAMES) return null;
  const names = text.split(":").map((n) => trimFws(n).toLowerCase());
  return names.every((n) => FIELD_NAME.test(n)) ? names : null;
}
