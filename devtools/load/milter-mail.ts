/**
 * The mail the milter benchmark sends with its own client: shaped like
 * smtp-source's (From, To, Date, Message-Id, then `bytes` of 80-column
 * lines), each with its own Message-ID so no verification is a replay of
 * another, and, for the verifier, signed beforehand with alice's key the way
 * the signing gateway signs (§10's default header list, oversigned).
 */
import { decodeSecret, signMessage, splitMessage } from "../../signature/index.js";
import { defaultHeaderNames } from "../../mail/sign/default-headers.js";
import { ALICE, BOB } from "./milter-stack.js";

export function plainMail(id: string, bytes: number): Buffer {
  const lines: string[] = [];
  for (let n = 1, size = 0; size < bytes; n++, size += 80) lines.push(`${n}`.padEnd(78, "X"));
  const headers = [`From: <${ALICE}>`, `To: <${BOB}>`, `Subject: bench ${id}`, `Date: ${new Date().toUTCString()}`, `Message-Id: <${id}@example.org>`];
  return Buffer.from(`${headers.join("\r\n")}\r\n\r\n${lines.join("\r\n")}\r\n`, "latin1");
}

export function signedMail(plain: Buffer, key: { keyId: string; secret: string }): Buffer {
  const secret = decodeSecret(key.secret);
  if (!secret) throw new Error("alice's secret does not decode");
  const { fields } = splitMessage(plain);
  const { value } = signMessage({
    message: plain,
    jid: ALICE,
    keyId: key.keyId,
    secret,
    headerNames: defaultHeaderNames(fields),
    signedAt: Math.floor(Date.now() / 1000),
    ip: "127.0.0.1",
  });
  return Buffer.concat([Buffer.from(`X-XMPP-Identity: ${ALICE}\r\nX-XMPP-Hash: ${value}\r\n`, "latin1"), plain]);
}

/** `count` messages tagged `batch` (unique per round), plain or signed. */
export function batch(batchName: string, count: number, bytes: number, key?: { keyId: string; secret: string }): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const plain = plainMail(`${batchName}.${i}`, bytes);
    return key ? signedMail(plain, key) : plain;
  });
}
