// References: RFC 6376 §5 (signer actions), PROTOCOL.md §2, §3 and §9.
import { createBodyHasher } from "./body-hasher.js";
import { formatHashHeader } from "./format-hash-header.js";
import { parseHashHeader } from "./hash-header.js";
import { computeMac } from "./mac.js";
import { splitMessage } from "./message.js";
import { selectHeaders, type HeaderField } from "./select-headers.js";
import { signingInput } from "./signing-input.js";

export const IDENTITY_FIELD_NAME = "X-XMPP-Identity";

export interface SignOptions {
  message: Buffer;
  jid: string;
  keyId: string;
  secret: Buffer;
  headerNames: string[];
  signedAt: number;
  expiresAt?: number;
  service?: string;
  ip?: string;
}

/**
 * Signs a message as if `X-XMPP-Identity: <jid>` had been added at its top,
 * which is what the caller must then do, followed by `X-XMPP-Hash: <value>`.
 * Throws when the options would make a signature no verifier accepts (a
 * missing required header name, a bad key id): that is a signer bug, better
 * found here than by the recipient.
 */
export function signMessage(options: SignOptions): { value: string } {
  const { fields, bodyOffset } = splitMessage(options.message);
  const hasher = createBodyHasher();
  hasher.update(options.message.subarray(bodyOffset));
  const allFields: HeaderField[] = [{ name: IDENTITY_FIELD_NAME, value: ` ${options.jid}` }, ...fields];

  const headerFields = {
    jid: options.jid,
    keyId: options.keyId,
    signedAt: options.signedAt,
    expiresAt: options.expiresAt,
    service: options.service,
    ip: options.ip,
    headerNames: options.headerNames.map((name) => name.toLowerCase()),
    bodyHash: hasher.digest(),
  };
  const unsigned = formatHashHeader(headerFields);
  const check = parseHashHeader(formatHashHeader({ ...headerFields, mac: "AAAA" }));
  if (!check.ok) throw new Error(`signMessage: the signature would be rejected as ${check.reason}`);

  const input = signingInput(selectHeaders(headerFields.headerNames, allFields), unsigned);
  return { value: formatHashHeader({ ...headerFields, mac: computeMac(options.secret, input) }) };
}
