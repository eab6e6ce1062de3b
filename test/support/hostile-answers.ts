/**
 * A hostile XSMTP service's answers to verify IQs, one per key id, so that
 * the attacker (who controls the signature of mallory@evil.example) picks the
 * claim with k=. Shared by the unit test (scripted session) and the
 * integration test (a hostile component on a private Prosody).
 */
import xml from "@xmpp/xml";
import { parseTagList, signMessage } from "../../signature/index.js";

const NS = "urn:xmpp:xsmtp:0";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
export const MALLORY = "mallory@evil.example";

const passChildren = (from = "alice@example.org", authorized = "true") => [
  xml("from", { authorized }, from),
  xml("message-id", {}, "m1@evil.example"),
  xml("seen", { verifications: "1", domains: "1" }),
];
const verification = (attrs: Record<string, string>, ...children: xml.Element[]) => xml("verification", { xmlns: NS, ...attrs }, ...children);

/** What the hostile service answers for key id k: a child of the result IQ, an <error/>, or "silent". */
export const HOSTILE: Record<string, (k: string, j: string) => xml.Element | "silent"> = {
  "claim-alice": () => verification({ result: "pass", jid: "alice@example.org", key: "laptop" }, ...passChildren()),
  "other-key": (_k, j) => verification({ result: "pass", jid: j, key: "laptop" }, ...passChildren()),
  "reason-crlf": (k, j) => verification({ result: "fail", jid: j, key: k, reason: "signature-mismatch\r\nX-Evil: yes" }),
  "reason-unknown": (k, j) => verification({ result: "permerror", jid: j, key: k, reason: "alice-is-fine" }),
  "reason-on-pass": (k, j) => verification({ result: "pass", jid: j, key: k, reason: "key-revoked" }, ...passChildren()),
  "reason-long": (k, j) => verification({ result: "fail", jid: j, key: k, reason: "x".repeat(5000) }),
  "no-seen": (k, j) => verification({ result: "pass", jid: j, key: k }, ...passChildren().slice(0, 2)),
  "seen-garbage": (k, j) => verification({ result: "pass", jid: j, key: k }, ...passChildren().slice(0, 2), xml("seen", { verifications: "1e9", domains: "-1" })),
  "no-result": (k, j) => verification({ jid: j, key: k }),
  "wrong-ns": (k, j) => xml("verification", { xmlns: "urn:evil", result: "pass", jid: j, key: k }, ...passChildren()),
  // A pass for mallory that claims he may send as anyone, with hostile text in <from>:
  // allowed (the service speaks for mallory), but nothing of that text is printed.
  "authorize-anyone": (k, j) =>
    verification({ result: "pass", jid: j, key: k }, ...passChildren(`ålice@exämple.org\r\nX-Evil: ${"y".repeat(2000)}`, "true")),
  "honest-fail": (k, j) => verification({ result: "fail", jid: j, key: k, reason: "signature-mismatch" }),
  "error-odd": () => xml("error", { type: "cancel" }, xml("x-alice-verified", { xmlns: NS_STANZAS })),
  "error-busy": () => xml("error", { type: "wait" }, xml("resource-constraint", { xmlns: NS_STANZAS })),
  silent: () => "silent",
};

/** The key id and the j named in a verify request's signature. */
export function signerOf(verify: xml.Element): { k: string; j: string } {
  const tags = parseTagList(verify.getChildText("signature") ?? "");
  return { k: tags?.get("k") ?? "", j: tags?.get("j") ?? "" };
}

/** A message signed as `jid` with key `keyId` (any secret: the hostile service never checks), CRLF. */
export function hostileMessage(options: { keyId: string; jid?: string; from?: string; s?: string; extra?: string }): Buffer {
  const jid = options.jid ?? MALLORY;
  const message = Buffer.from(
    `From: ${options.from ?? "Mallory <mallory@evil.example>"}\r\nTo: bob@other.org\r\nSubject: hi\r\n` +
      `Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@evil.example>\r\n${options.extra ?? ""}\r\nHello.\r\n`,
  );
  const { value } = signMessage({
    message, jid, keyId: options.keyId, secret: Buffer.alloc(32, 7),
    headerNames: ["from", "to", "subject", "date", "message-id", "x-xmpp-identity"], signedAt: 1_764_324_000, service: options.s,
  });
  // Folded as a signer folds, so that a long j still fits lines of 998 octets (§3.1).
  const hash = value.replace(/; /g, ";\r\n ");
  const identity = jid.length > 900 ? `\r\n ${jid}` : ` ${jid}`;
  return Buffer.concat([Buffer.from(`X-XMPP-Hash: ${hash}\r\nX-XMPP-Identity:${identity}\r\n`), message]);
}
