/**
 * Builds signed test messages and the verify IQ a verifier would send for
 * them, using the signature core (itself checked against the spec vectors).
 */
import xml from "@xmpp/xml";
import { IDENTITY_FIELD_NAME, selectHeaders, signMessage, splitMessage, type HeaderField } from "../../signature/index.js";
import { parseHashHeader } from "../../signature/index.js";
import { NS_XSMTP } from "../../protocol/namespaces.js";

export const DEFAULT_H = "from:to:subject:date:message-id:x-xmpp-identity";

export interface TestMessage {
  headers: [string, string][];
  body?: string;
}

export function rawMessage({ headers, body = "Hello.\r\n" }: TestMessage): Buffer {
  return Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join("") + "\r\n" + body);
}

export function aliceMessage(overrides: Partial<Record<string, string>> = {}): TestMessage {
  const base: Record<string, string> = {
    From: "Alice Example <alice@example.org>",
    To: "bob@other.org",
    Subject: "Lunch",
    Date: "Sat, 28 Nov 2026 10:00:00 +0000",
    "Message-ID": "<m1@example.org>",
    ...overrides,
  };
  return { headers: Object.entries(base).filter(([, v]) => v !== undefined) as [string, string][] };
}

/** Signs and returns the X-XMPP-Hash value and the fields a verifier would send. */
export function sign(
  message: TestMessage,
  opts: { jid?: string; keyId: string; secret: Buffer; t: number; x?: number; h?: string; identity?: string },
): { signature: string; sent: HeaderField[] } {
  const jid = opts.jid ?? "alice@example.org";
  const raw = rawMessage(message);
  const { value } = signMessage({
    message: raw,
    jid,
    keyId: opts.keyId,
    secret: opts.secret,
    headerNames: (opts.h ?? DEFAULT_H).split(":"),
    signedAt: opts.t,
    expiresAt: opts.x,
  });
  return { signature: value, sent: fieldsToSend(raw, value, opts.identity ?? jid) };
}

/** The selected fields of a signed message, as §5 says a verifier sends them. */
export function fieldsToSend(raw: Buffer, signature: string, identity: string): HeaderField[] {
  const parsed = parseHashHeader(signature);
  if (typeof parsed === "string") throw new Error(parsed);
  const fields = [{ name: IDENTITY_FIELD_NAME, value: ` ${identity}` }, ...splitMessage(raw).fields];
  return selectHeaders(parsed.headerNames, fields).map(({ name, value }) => ({ name, value }));
}

export function verifyIq(id: string, signature: string, sent: HeaderField[], from = "mx@other.org/gw"): xml.Element {
  return xml(
    "iq",
    { type: "get", id, from, to: "xsmtp.example.org" },
    xml(
      "verify",
      { xmlns: NS_XSMTP },
      xml("signature", {}, signature),
      ...sent.map((f) => xml("header", { name: f.name }, f.value)),
    ),
  );
}
