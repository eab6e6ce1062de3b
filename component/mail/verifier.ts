/**
 * Verifies messages: local checks first (no network for a missing signature,
 * a malformed one or a body hash mismatch), then one XMPP session, opened on
 * first need and shared by every message of a batch, to find the service
 * (§4) and ask it (§5). Whatever keeps the service from deciding is a
 * temperror, so that a mail system defers rather than rejects.
 *
 * References: PROTOCOL.md §4, §5, §6 (delivered); RFC 8601 §2.7.
 */
import type { HeaderField } from "../signature/index.js";
import { findService } from "./discover-service.js";
import { checkLocally } from "./local-check.js";
import { publishProgress } from "./publish-progress.js";
import { readVerification, verifyPayload } from "./verify-iq.js";
import type { VerifyReport } from "./verify-report.js";
import { openSession, SessionError, type SessionOptions, type XmppSession } from "./xmpp-session.js";

export interface VerifierOptions {
  /** Undefined when the verifier has no account configured; the reason says what is missing. */
  session: SessionOptions | { missing: string };
  /** A stage to publish after a pass (PROTOCOL.md §6: a verifier with a pass may publish these). */
  reportStage?: "delivered" | "read";
  /** Opens the session; tests pass one that talks to an in-process service. */
  connect?: (options: SessionOptions) => Promise<XmppSession>;
  /** Where warnings go (publishing failures, connection problems); never secrets. */
  warn(message: string): void;
}

export class Verifier {
  #session?: Promise<XmppSession>;
  constructor(private readonly options: VerifierOptions) {}

  async verify(fields: HeaderField[], bodyHash: string): Promise<VerifyReport> {
    const local = checkLocally(fields, bodyHash);
    if ("done" in local) return local.done;
    const { header, sent } = local.ask;
    const known = local.partial;

    let session: XmppSession;
    try {
      session = await this.session();
    } catch (err) {
      this.options.warn((err as Error).message);
      return { ...known, result: "temperror", reason: err instanceof SessionError ? "server-unreachable" : "verifier-not-configured" };
    }
    let service: string | null;
    try {
      service = await findService(session, header.jid, header.service);
    } catch (err) {
      this.options.warn(`service discovery for ${header.jid} failed: ${describe(err)}`);
      return { ...known, result: "temperror", reason: "discovery-failed" };
    }
    if (!service) return { ...known, result: "permerror", reason: "no-service" };

    let report: VerifyReport;
    try {
      const reply = await session.request("get", service, verifyPayload(header.raw, sent));
      report = { ...readVerification(reply, known), service };
    } catch (err) {
      this.options.warn(`verification at ${service} failed: ${describe(err)}`);
      return { ...known, service, result: "temperror", reason: conditionOf(err) ?? "timeout" };
    }
    const stage = this.options.reportStage;
    if (report.result === "pass" && stage && report.messageId) {
      await publishProgress(session, service, header.jid, report.messageId, { stage }).catch((err) =>
        this.options.warn(`could not publish ${stage} to ${service}: ${describe(err)}`),
      );
    }
    return report;
  }

  async close(): Promise<void> {
    const session = await this.#session?.catch(() => undefined);
    await session?.close();
  }

  private session(): Promise<XmppSession> {
    const settings = this.options.session;
    // A failed login is remembered: the rest of a batch is temperror at once, not one timeout each.
    this.#session ??= "missing" in settings ? Promise.reject(new Error(settings.missing)) : (this.options.connect ?? openSession)(settings);
    return this.#session;
  }
}

function conditionOf(err: unknown): string | undefined {
  return (err as { condition?: string })?.condition;
}

function describe(err: unknown): string {
  return conditionOf(err) ?? (err as Error)?.message ?? String(err);
}
