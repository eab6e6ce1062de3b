/**
 * The mail gateway as a milter policy: at the end of each message it routes
 * it (route.ts), then signs it as its enrolled sender and publishes
 * `submitted` (the envelope's recipient domains, arming replay detection)
 * and `relayed` as the service itself; or verifies it with the same Verifier
 * as `xsmtp verify` and applies the receiving policy; or passes it on. The
 * body is never held: its hash is computed as it streams.
 *
 * References: PROTOCOL.md §2, §3, §5, §5.1, §5.2, §6, §11; RFC 8601;
 * libmilter xxfi_body/xxfi_eom; mail/gateway/README.md.
 */
import type { BlockList } from "node:net";
import { HASH_FIELD_NAME, splitMessage } from "../../signature/index.js";
import { fromAddresses } from "../../protocol/mail-address.js";
import type { MilterDecision, MilterMessage, MilterPolicy } from "../milter/index.js";
import { UnsignableMessageError } from "../sign/signable.js";
import { Verifier } from "../verify/verifier.js";
import type { VerifyReport } from "../verify/verify-report.js";
import { publishProgress } from "../xmpp/publish-progress.js";
import type { XmppSession } from "../xmpp/xmpp-session.js";
import type { GatewayService } from "./gateway-ports.js";
import { IQ_TIMEOUT_MS, type GatewaySettings } from "./gateway-settings.js";
import { BodyHashes, headerBlock } from "./message-view.js";
import { internalHosts, outgoingBy, route, type MessageFacts } from "./route.js";
import { knownServiceOf, routingSession } from "./routing-session.js";
import { recipientDomains, signDecision } from "./sign-decision.js";
import { deleteOwnAuthResults, verifyDecision } from "./verify-decision.js";

/** Structured log lines; never a secret or a message body. */
export interface GatewayLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface GatewayOptions {
  service: GatewayService;
  settings: GatewaySettings;
  log: GatewayLog;
  now?: () => number;
}

export class GatewayPolicy implements MilterPolicy {
  readonly #hashes = new BodyHashes();
  readonly #session: XmppSession;
  readonly #verifier: Verifier;
  readonly #internal: BlockList;

  constructor(private readonly options: GatewayOptions) {
    const { service, log } = options;
    this.#session = routingSession(service);
    this.#internal = internalHosts(options.settings.internalHosts);
    this.#verifier = new Verifier({
      session: { jid: service.jid, password: "" }, // never used: connect hands over the routing session
      connect: async () => this.#session,
      knownService: knownServiceOf(service),
      discoveryTimeout: IQ_TIMEOUT_MS,
      warn: (message) => log.warn({}, message),
    });
  }

  bodyChunk(chunk: Buffer, message: MilterMessage): void {
    this.#hashes.add(chunk, message);
  }

  async endOfMessage(message: MilterMessage): Promise<MilterDecision> {
    const bodyHash = this.#hashes.take(message);
    const head = headerBlock(message.headers);
    const facts = factsOf(message, head);
    const queueId = message.macro("i");
    // The identity behind From is looked up (in the store) only for mail that leaves.
    const from = facts.fromAddresses.length === 1 && outgoingBy(facts, this.#internal) ? facts.fromAddresses[0]! : undefined;
    const identity = from === undefined ? undefined : await this.options.service.identityFor(from);
    const way = message.headersTruncated ? { kind: "pass" as const, why: "header block over the milter's limit" } : route(facts, {
      internal: this.#internal,
      identityFor: (address) => (address === from ? identity : undefined),
    });
    if (way.kind === "sign") return this.sign(message, head, bodyHash, way.jid, facts, queueId);
    if (way.kind === "verify") return this.verify(message, head, bodyHash, queueId);
    this.options.log.info({ queue_id: queueId, why: way.why }, "gateway: passed on");
    return { actions: deleteOwnAuthResults(message.headers, this.options.settings.authservId), verdict: { type: "continue" } };
  }

  private async sign(message: MilterMessage, head: Buffer, bodyHash: string, jid: string, facts: MessageFacts, queueId?: string): Promise<MilterDecision> {
    const { service, log } = this.options;
    const key = await service.gatewayKey(jid);
    if (key === "revoked") {
      log.info({ queue_id: queueId, jid }, "gateway: not signed, the identity's gateway key is revoked");
      return { verdict: { type: "continue" } };
    }
    let signed;
    try {
      signed = signDecision({ head, bodyHash, jid, key, clientAddress: facts.clientAddress, now: (this.options.now ?? Date.now)() });
    } catch (err) {
      if (!(err instanceof UnsignableMessageError)) throw err;
      log.warn({ queue_id: queueId, jid, reason: err.message }, "gateway: sent unsigned");
      return { verdict: { type: "continue" } };
    }
    const recipients = message.recipients.map((r) => r.address);
    // Not awaited: Postfix gets its reply now, the items commit with the service's next group commit.
    const submitted = { stage: "submitted" as const, recipients: recipients.length, recipientDomains: recipientDomains(recipients) };
    service.publish(jid, signed.messageId, [submitted, { stage: "relayed" }]).catch((err) =>
      log.warn({ queue_id: queueId, jid, reason: (err as Error).message }, "gateway: progress not published"),
    );
    log.info({ queue_id: queueId, jid, key_id: key.keyId, message_id: signed.messageId, notes: signed.notes }, "gateway: signed");
    return signed.decision;
  }

  private async verify(message: MilterMessage, head: Buffer, bodyHash: string, queueId?: string): Promise<MilterDecision> {
    const { settings, log } = this.options;
    const report = await withDeadline(this.#verifier.verify(head, bodyHash), settings.verifyDeadlineMs);
    const { decision, outcome } = verifyDecision(report, message.headers, settings);
    log.info({ queue_id: queueId, result: report.result, reason: report.reason, jid: report.jid, outcome }, "gateway: verified");
    if (report.result === "pass" && outcome === "marked") this.reportDelivered(report);
    return decision;
  }

  /** After the decision, not before: Postfix need not wait for the sender's service to take it. */
  private reportDelivered(report: VerifyReport): void {
    const { service, jid, messageId } = report;
    if (!service || !jid || !messageId) return;
    void publishProgress(this.#session, service, jid, messageId, { stage: "delivered" }).catch((err) =>
      this.options.log.warn({ jid, service, reason: (err as { condition?: string; message?: string }).condition ?? (err as Error).message }, "gateway: delivered not published"),
    );
  }
}

function factsOf(message: MilterMessage, head: Buffer): MessageFacts {
  const fields = splitMessage(head).fields;
  const from = fields.filter((f) => f.name.toLowerCase() === "from").flatMap((f) => fromAddresses(f.value));
  return {
    clientAddress: message.client?.address,
    daemonName: message.macro("daemon_name"),
    login: message.macro("auth_authen") || undefined,
    fromAddresses: from.map((a) => a.toLowerCase()),
    hasSignature: fields.some((f) => f.name.toLowerCase() === HASH_FIELD_NAME.toLowerCase()),
  };
}

/** The verification, or temperror `timeout` once the deadline passed (the late answer is dropped). */
async function withDeadline(verification: Promise<VerifyReport>, ms: number): Promise<VerifyReport> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<VerifyReport>((resolve) => {
    timer = setTimeout(() => resolve({ result: "temperror", reason: "timeout" }), ms);
  });
  try {
    return await Promise.race([verification, late]);
  } finally {
    clearTimeout(timer);
  }
}
