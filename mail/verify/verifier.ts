/**
 * Verifies messages: local checks first (no network for a missing signature,
 * a malformed message or signature, or a body hash mismatch), then one XMPP
 * session, opened on first need and shared by every message of a batch, to
 * find the service (§4, cached per domain) and ask it (§5). The report is
 * built from the verifier's own parse; the answer adds only a result, a
 * reason from the table and two flags (§5.1). Whatever keeps the service
 * from deciding is a temperror, so that a mail system defers rather than
 * rejects.
 *
 * References: PROTOCOL.md §4, §5, §5.1, §6 (delivered); RFC 8601 §2.7.
 */
import { DiscoveryTimeout, findService, serviceAllowed } from "./discover-service.js";
import { checkLocally, type SignatureToAsk } from "./local-check.js";
import { publishProgress } from "../xmpp/publish-progress.js";
import { addressDomain } from "./report-values.js";
import { ServiceCache } from "./service-cache.js";
import { readVerification } from "../../protocol/verification-answer.js";
import { verifyRequest } from "../../protocol/verify-request.js";
import { requestFailureReason } from "./request-failure.js";
import type { VerifyReport } from "./verify-report.js";
import { openSession, SessionError, type SessionOptions, type XmppSession } from "../xmpp/xmpp-session.js";

export interface VerifierOptions {
  /** Undefined when the verifier has no account configured; the reason says what is missing. */
  session: SessionOptions | { missing: string };
  /** A stage to publish after a pass (PROTOCOL.md §6: a verifier with a pass may publish these). */
  reportStage?: "delivered" | "read";
  /** One deadline for each discovery, in milliseconds (default 20 s, PROTOCOL.md §4). */
  discoveryTimeout?: number;
  /** Opens the session; tests pass one that talks to an in-process service. */
  connect?: (options: SessionOptions) => Promise<XmppSession>;
  /**
   * Services known without discovery (a gateway's own service for its own
   * user domains): the domain's service JID, or undefined to discover it.
   */
  knownService?: (domain: string) => string | undefined;
  /** The clock of the service cache (tests). */
  now?: () => number;
  /** Where warnings go (publishing failures, connection problems, bad answers); never secrets. */
  warn(message: string): void;
}

// The service stopped being there: forget the cached discovery.
const GONE = new Set(["service-unavailable", "remote-server-not-found", "item-not-found"]);

/** IQ failures that a second try may get past: no answer, or the route to the service gone. */
const RETRIED = new Set(["timeout", "service-unavailable", "recipient-unavailable", "remote-server-timeout", "remote-server-not-found"]);

export class Verifier {
  #session?: Promise<XmppSession>;
  readonly #services: ServiceCache;
  constructor(private readonly options: VerifierOptions) {
    this.#services = new ServiceCache(options.now);
  }

  /** `head` is the message's header block as read (header-block.ts); `bodyHash` the base64 hash of its canonical body. */
  async verify(head: Buffer, bodyHash: string): Promise<VerifyReport> {
    const local = checkLocally(head, bodyHash);
    if ("done" in local) return local.done;
    const known = local.partial;

    let session: XmppSession;
    try {
      session = await this.session();
    } catch (err) {
      this.options.warn((err as Error).message);
      return { ...known, result: "temperror", reason: err instanceof SessionError ? "server-unreachable" : "verifier-not-configured" };
    }
    const domain = addressDomain(local.ask.jid)!;
    let service: string | null;
    try {
      service = await this.findService(session, domain, local.ask);
    } catch (err) {
      this.options.warn(`service discovery for ${domain} failed: ${describe(err)}`);
      return { ...known, result: "temperror", reason: "discovery-failed" };
    }
    if (!service) return { ...known, result: "permerror", reason: "no-service" };

    const { header, jid, sent } = local.ask;
    let reply;
    try {
      reply = await this.ask(session, service, () => verifyRequest(header.raw, sent));
    } catch (err) {
      this.options.warn(`verification at ${service} failed: ${describe(err)}`);
      if (GONE.has(requestFailureReason(err))) this.#services.forget(domain);
      return { ...known, service, result: "temperror", reason: requestFailureReason(err) };
    }
    const answer = readVerification(reply, { jid, keyId: header.keyId });
    if (typeof answer === "string") {
      this.options.warn(`the answer of ${service} about ${jid} was refused: ${answer}`);
      return { ...known, service, result: "temperror", reason: "bad-answer" };
    }
    const report: VerifyReport = { ...known, service, ...answer };
    if (answer.reason === undefined) delete report.reason;
    await this.publish(session, service, jid, report);
    return report;
  }

  async close(): Promise<void> {
    const session = await this.#session?.catch(() => undefined);
    await session?.close();
  }

  /**
   * Sends the verify IQ, and once more when the first got no answer or an
   * error that says the route to the service is gone: behind an ejabberd
   * cluster an instance or node that just died leaves its balancing slot
   * without a connection for a moment, and a second IQ (a new id) reaches
   * a live one. A verification may be asked twice; it changes nothing but
   * the service's counts.
   */
  private async ask(session: XmppSession, service: string, request: () => ReturnType<typeof verifyRequest>) {
    try {
      return await session.request("get", service, request());
    } catch (err) {
      if (!RETRIED.has(requestFailureReason(err))) throw err;
      this.options.warn(`verification at ${service} failed (${describe(err)}); asking once more`);
      return session.request("get", service, request());
    }
  }

  private async findService(session: XmppSession, domain: string, ask: SignatureToAsk): Promise<string | null> {
    // A usable s= costs nothing to check and is the message's own: not cached.
    const fromTag = ask.header.service === undefined ? null : serviceAllowed(domain, ask.header.service);
    if (fromTag) return fromTag;
    const known = this.options.knownService?.(domain);
    if (known) return known;
    const cached = this.#services.get(domain);
    if (cached !== undefined) return cached;
    const service = await findService(session, ask.jid, undefined, { deadlineMs: this.options.discoveryTimeout });
    this.#services.set(domain, service);
    return service;
  }

  /** The node is named for the identity we parsed from the signature (j), never for anything the service said. */
  private async publish(session: XmppSession, service: string, owner: string, report: VerifyReport): Promise<void> {
    const stage = this.options.reportStage;
    if (report.result !== "pass" || !stage || !report.messageId) return;
    await publishProgress(session, service, owner, report.messageId, { stage }).catch((err) =>
      this.options.warn(`could not publish ${stage} to ${service}: ${describe(err)}`),
    );
  }

  private session(): Promise<XmppSession> {
    const settings = this.options.session;
    // A failed login is remembered: the rest of a batch is temperror at once, not one timeout each.
    this.#session ??= "missing" in settings ? Promise.reject(new Error(settings.missing)) : (this.options.connect ?? openSession)(settings);
    return this.#session;
  }
}

function describe(err: unknown): string {
  if (err instanceof DiscoveryTimeout) return "the deadline passed";
  const reason = requestFailureReason(err);
  return reason === "timeout" ? ((err as Error)?.message ?? "no answer") : reason;
}
