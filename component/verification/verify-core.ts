/**
 * Decides one verification request (PROTOCOL.md §5), without XML: the checks
 * run in the order §5 fixes and the first that fails gives the answer. The
 * store, key lookup, clock and progress hooks are injected.
 *
 * References: PROTOCOL.md §3, §5, §10; RFC 6376 §3.5 (t=, x=), RFC 8601 §2.7.1 (result words).
 */
import { domainOf, parseUserJid } from "../xmpp/jid.js";
import { macMatches, parseHashHeader, signingInput, type HeaderField } from "../signature/index.js";
import type { Clock } from "../service-context.js";
import { bareMessageId, fromAddresses } from "./from-address.js";
import type { KeyLookupError, SigningKey } from "./key-lookup.js";
import { resultOf, type Verification, type VerificationReason } from "./outcome.js";
import { alignSentFields, firstValue } from "./signed-fields.js";

/** How far ahead of our clock a signature's t= may be (§5: five minutes). */
export const FUTURE_SKEW_S = 300;

export interface VerifyRequest {
  signature: string;
  headers: HeaderField[];
  /** The requesting entity's domain: who is asking, for <seen>, replay and progress. */
  verifierDomain: string;
}

export interface VerifyDeps {
  clock: Clock;
  userDomains: string[];
  maxSignatureAgeS: number;
  findKey(jid: string, keyId: string): SigningKey | KeyLookupError;
  isAuthorizedAddress(jid: string, address: string): boolean;
  /** Records a pass; returns the message's totals including it. */
  recordPass(jid: string, messageId: string, verifierDomain: string): { verifications: number; domains: number };
  /** The recipient domains the owner published for the message, if any (§6 `submitted`). */
  recipientDomains(jid: string, messageId: string): string[] | undefined;
}


export function verify(request: VerifyRequest, deps: VerifyDeps): Verification {
  // (1) the tag list and the sent fields
  const parsed = parseHashHeader(request.signature);
  if (!parsed.ok) return reject(parsed.reason);
  const sig = parsed.header;
  const jid = parseUserJid(sig.jid);
  if (!jid) return reject("malformed-signature");
  const known: Partial<Verification> = { jid, keyId: sig.keyId };

  const selected = alignSentFields(sig.headerNames, request.headers);
  const identity = firstValue(selected, "x-xmpp-identity");
  const from = firstValue(selected, "from");
  const messageIdValue = firstValue(selected, "message-id");
  if (identity === undefined || from === undefined || messageIdValue === undefined || !firstValue(selected, "date")) {
    return reject("missing-header", known);
  }
  const messageId = bareMessageId(messageIdValue);
  if (identity.replace(/\s+/g, "").toLowerCase() !== jid) return reject("identity-mismatch", known);
  Object.assign(known, { messageId });

  // (2) identity and key
  if (!deps.userDomains.includes(domainOf(jid))) return reject("wrong-service", known);
  const key = deps.findKey(jid, sig.keyId);
  if (typeof key === "string") return reject(key, known);
  if (key.revokedAt !== null) return reject("key-revoked", known);

  // (3) time
  const nowS = Math.floor(deps.clock.now() / 1000);
  if ((sig.expiresAt !== undefined && nowS > sig.expiresAt) || nowS - sig.signedAt > deps.maxSignatureAgeS) {
    return reject("signature-expired", known);
  }
  if (sig.signedAt > nowS + FUTURE_SKEW_S) return reject("signature-from-future", known);
  if (key.retiredAt !== null && key.retiredAt <= sig.signedAt * 1000) return reject("key-retired", known);

  // (4) the MAC, in constant time
  if (!macMatches(key.secret, signingInput(selected, sig.raw), sig.mac)) return reject("signature-mismatch", known);

  const addresses = fromAddresses(from);
  const authorized = addresses.length > 0 && addresses.every((a) => deps.isAuthorizedAddress(jid, a));
  const seen = deps.recordPass(jid, messageId, request.verifierDomain);
  const recipients = deps.recipientDomains(jid, messageId);
  const replaySuspected = recipients !== undefined && !recipients.includes(request.verifierDomain);
  return {
    result: "pass",
    ...known,
    from: { address: addresses[0] ?? "", authorized },
    messageId,
    seen,
    ...(replaySuspected ? { replaySuspected } : {}),
  };
}

function reject(reason: VerificationReason, known: Partial<Verification> = {}): Verification {
  return { result: resultOf(reason), reason, ...known };
}

