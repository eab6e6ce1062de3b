/**
 * Decides one verification request (PROTOCOL.md §5), without XML: the checks
 * run in the order §5 fixes and the first that fails gives the answer. The
 * store, key lookup, clock and progress hooks are injected.
 *
 * References: PROTOCOL.md §3, §3.2, §5, §10; RFC 6376 §3.5 (t=, x=), RFC 8601 §2.7.1 (result words).
 */
import { organizationalDomain } from "../../protocol/domains.js";
import { domainOf, parseUserJid } from "../../protocol/jid.js";
import { macMatches, parseHashHeader, signingInput, type HashHeader, type HeaderField } from "../../signature/index.js";
import type { Clock } from "../clock.js";
import { bareMessageId, fromAddresses } from "../../protocol/mail-address.js";
import { resultOf, type Verification, type VerificationReason } from "../../protocol/verification-outcome.js";
import { alignSentFields, firstValue } from "../../signature/signed-fields.js";

/** How far ahead of our clock a signature's t= may be (§5: five minutes). */
export const FUTURE_SKEW_S = 300;

export interface VerifyRequest {
  signature: string;
  headers: HeaderField[];
  /** The requesting entity's domain: who is asking, for <seen>, replay and progress. */
  verifierDomain: string;
}

/** A signing key as verification needs it (the keys feature's IdentityLookup finds it). */
export interface SigningKey {
  secret: Buffer;
  createdAt: number;
  retiredAt: number | null;
  revokedAt: number | null;
}

export type KeyLookupError = "identity-unknown" | "key-unknown";

export interface VerifyDeps {
  clock: Clock;
  userDomains: string[];
  maxSignatureAgeS: number;
  findKey(jid: string, keyId: string): Promise<SigningKey | KeyLookupError>;
  isAuthorizedAddress(jid: string, address: string): Promise<boolean>;
  /** Records a pass; returns the message's totals including it. */
  recordPass(jid: string, messageId: string, verifierDomain: string): Promise<{ verifications: number; domains: number }>;
  /** The recipient domains the owner published for the message, if any (§6 `submitted`). */
  recipientDomains(jid: string, messageId: string): Promise<string[] | undefined>;
}

/**
 * Step (1) and everything else that needs no store: the tag list, the sent
 * fields, the signing input and the From addresses. It is the costly part of
 * a large request, so the service runs it on its own, outside the group
 * commit that decides many requests in one synchronous batch.
 */
export interface Prepared {
  request: VerifyRequest;
  sig: HashHeader;
  known: Partial<Verification> & { jid: string; messageId: string };
  input: string;
  addresses: string[];
}

export function prepare(request: VerifyRequest): Prepared | Verification {
  const sig = parseHashHeader(request.signature);
  if (typeof sig === "string") return reject(sig);
  const jid = parseUserJid(sig.jid);
  if (!jid) return reject("malformed-signature");
  const known: Partial<Verification> = { jid, keyId: sig.keyId };

  const selected = alignSentFields(sig.headerNames, request.headers);
  const identity = firstValue(selected, "x-xmpp-identity");
  const from = firstValue(selected, "from");
  const messageIdValue = firstValue(selected, "message-id");
  // A required field sent empty (or a Message-ID of "<>") is as missing as one not sent.
  const messageId = messageIdValue === undefined ? "" : bareMessageId(messageIdValue);
  if ([identity, from, firstValue(selected, "date")].some(isBlank) || messageId === "") return reject("missing-header", known);
  if (identity!.replace(/\s+/g, "").toLowerCase() !== jid) return reject("identity-mismatch", known);
  return {
    request,
    sig,
    known: { ...known, jid, messageId },
    input: signingInput(selected, sig.raw),
    addresses: fromAddresses(from!),
  };
}

/** Steps (2) to (4) and the pass, over the store; a Verification already decided passes through. */
export async function decide(prepared: Prepared | Verification, deps: VerifyDeps): Promise<Verification> {
  if (!("input" in prepared)) return prepared;
  const { request, sig, known, input, addresses } = prepared;
  const { jid, messageId } = known;

  // (2) identity and key
  if (!deps.userDomains.includes(domainOf(jid))) return reject("wrong-service", known);
  const key = await deps.findKey(jid, sig.keyId);
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
  if (!macMatches(key.secret, input, sig.mac)) return reject("signature-mismatch", known);

  let authorized = addresses.length > 0;
  for (const a of addresses) authorized &&= await deps.isAuthorizedAddress(jid, a);
  const seen = await deps.recordPass(jid, messageId, request.verifierDomain);
  const recipients = await deps.recipientDomains(jid, messageId);
  // Organizational domains (§5.2's notion), so a gateway's component JID
  // (xsmtp.other.org, mx.other.org) counts as the recipient domain other.org.
  const verifierOrg = organizationalDomain(request.verifierDomain);
  const replaySuspected = recipients !== undefined && !recipients.some((d) => organizationalDomain(d) === verifierOrg);
  return {
    result: "pass",
    ...known,
    from: { address: addresses[0] ?? "", authorized },
    messageId,
    seen,
    ...(replaySuspected ? { replaySuspected } : {}),
  };
}

/** One request decided whole, in §5 order. */
export function verify(request: VerifyRequest, deps: VerifyDeps): Promise<Verification> {
  return decide(prepare(request), deps);
}

/** The answer to a request past a §3.2 limit (the service answers as the verifier would), unparsed. */
export function pastLimit(): Verification {
  return reject("malformed-signature");
}

const isBlank = (value: string | undefined) => value === undefined || value.trim() === "";

function reject(reason: VerificationReason, known: Partial<Verification> = {}): Verification {
  return { result: resultOf(reason), reason, ...known };
}

