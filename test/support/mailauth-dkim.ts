/**
 * An independent implementation of PROTOCOL.md §3 for interop tests, built
 * from mailauth 4.13.2's DKIM internals (header splitting, bottom-up field
 * selection, relaxed header and body canonicalization) and node:crypto's
 * HMAC. Nothing here uses XSMTP's signature core.
 *
 * References: PROTOCOL.md §3; RFC 6376 §3.4.2, §3.4.4, §3.7, §5.4.2.
 */
import { createHmac } from "node:crypto";
import { mailauthTools as tools, RelaxedHash, relaxedHeaders } from "./mailauth-internals.js";

/** Splits a message at its first empty line (LF or CRLF). */
export function headAndBody(message: Buffer): { head: Buffer; body: Buffer } {
  const m = /\r?\n\r?\n/.exec(message.toString("latin1"));
  if (!m) return { head: message, body: Buffer.alloc(0) };
  const end = m.index + m[0].length;
  return { head: message.subarray(0, end), body: message.subarray(end) };
}

export function theirBodyHash(body: Buffer): string {
  const h = new RelaxedHash("sha256");
  h.update(body);
  return h.digest("base64");
}

/** Tags of a tag list, white space removed, read without XSMTP's parser. */
export function theirTags(value: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of value.replace(/\s+/g, "").split(";").filter(Boolean)) {
    const eq = spec.indexOf("=");
    tags[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return tags;
}

/** The MAC mailauth's canonicalization gives for the first X-XMPP-Hash of a signed message. */
export function theirMac(message: Buffer, secret: Buffer): { expected: string; given: string; bh: string; bodyHash: string } {
  const { head, body } = headAndBody(message);
  const parsed = tools.parseHeaders(head).parsed;
  const hashLine = parsed.find((p) => p.key === "x-xmpp-hash")!.line.toString("utf8");
  const tags = theirTags(hashLine.slice(hashLine.indexOf(":") + 1));
  const selected = tools.getSigningHeaderLines(parsed, tags.h!, true);
  const input = relaxedHeaders("DKIM", selected, { signatureHeaderLine: hashLine }).canonicalizedHeader;
  return { expected: createHmac("sha256", secret).update(input).digest("base64"), given: tags.b!, bh: tags.bh!, bodyHash: theirBodyHash(body) };
}

/** Signs a message as another implementation would: identity and hash fields on top, CRLF. */
export function theirSign(message: Buffer, o: { jid: string; keyId: string; secret: Buffer; t: number; h: string; s?: string }): Buffer {
  const withIdentity = Buffer.concat([Buffer.from(`X-XMPP-Identity: ${o.jid}\r\n`), message]);
  const { head, body } = headAndBody(withIdentity);
  const parsed = tools.parseHeaders(head).parsed;
  const s = o.s ? ` s=${o.s};` : "";
  const unsigned = `X-XMPP-Hash: v=1; a=hmac-sha256; j=${o.jid}; k=${o.keyId}; t=${o.t};${s}\r\n\th=${o.h}; bh=${theirBodyHash(body)}; b=`;
  const selected = tools.getSigningHeaderLines(parsed, o.h, true);
  const input = relaxedHeaders("DKIM", selected, { signatureHeaderLine: unsigned }).canonicalizedHeader;
  const b = createHmac("sha256", o.secret).update(input).digest("base64");
  return Buffer.concat([Buffer.from(`${unsigned}${b}\r\n`), withIdentity]);
}
