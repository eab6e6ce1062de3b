/**
 * Decides the verdict for one message, exactly as `xsmtp verify` does: the
 * shared Verifier (mail/verify) runs the local checks (§3.1, signature,
 * body hash), discovers the service (§4) and reads its answer strictly
 * (§5.1), over the reader's own XMPP session. Without an account, the
 * local checks still run, and a trusted Authentication-Results field may
 * supply the rest. Verdicts are cached per message; a temperror is not.
 *
 * References: PROTOCOL.md §3.1, §4, §5, §5.1, §5.2, §6 (read), §7
 * (enrolled-since); RFC 8601 §5.
 */
import { checkLocally } from "../../mail/verify/local-check.js";
import { Verifier } from "../../mail/verify/verifier.js";
import { publishProgress } from "../../mail/xmpp/publish-progress.js";
import { AccountSession, type SessionDeps } from "./account-session.js";
import { enrolledSince } from "./enrollment.js";
import { messageParts } from "./message-parts.js";
import type { Settings } from "./settings.js";
import { trustedReport } from "./trusted-auth-results.js";
import { verdictOf, worthCaching, type Verdict } from "./verdict.js";
import { VerdictCache } from "./verdict-cache.js";

export interface CheckerDeps extends SessionDeps {
  rawMessage(messageId: number): Promise<Uint8Array>;
  warn(message: string): void;
}

export class MessageChecker {
  readonly #account: AccountSession;
  readonly #cache = new VerdictCache();
  readonly #reported = new Set<number>();
  #verifier: Verifier;

  constructor(
    private readonly settings: Settings,
    private readonly deps: CheckerDeps,
  ) {
    this.#account = new AccountSession(settings, deps);
    this.#verifier = this.newVerifier();
  }

  cached(messageId: number): Verdict | undefined {
    return this.#cache.get(messageId);
  }

  async check(messageId: number): Promise<Verdict> {
    const known = this.#cache.get(messageId);
    if (known) return known;
    const { head, bodyHash } = await messageParts(await this.deps.rawMessage(messageId));
    const verdict = this.#account.missing ? this.withoutAccount(head, bodyHash) : await this.withAccount(head, bodyHash);
    if (worthCaching(verdict)) this.#cache.set(messageId, verdict);
    return verdict;
  }

  /** disco#info node=<jid> at the service that answered (PROTOCOL.md §7); undefined when it cannot be asked. */
  async enrolledSince(verdict: Verdict): Promise<string | undefined> {
    const { service, jid } = verdict.report;
    if (verdict.source !== "service" || !service || !jid?.includes("@")) return undefined;
    return enrolledSince(await this.#account.get(), service, jid).catch((err) => {
      this.deps.warn(`enrolled-since of ${jid}: ${(err as Error)?.message ?? err}`);
      return undefined;
    });
  }

  /** Publishes `read` once per message after a pass, when the reader opted in (PROTOCOL.md §6). */
  async reportRead(messageId: number, verdict: Verdict): Promise<boolean> {
    const { service, jid, messageId: id } = verdict.report;
    if (!this.settings.reportRead || verdict.report.result !== "pass" || verdict.source !== "service") return false;
    if (!service || !jid?.includes("@") || !id || this.#reported.has(messageId)) return false;
    this.#reported.add(messageId);
    try {
      await publishProgress(await this.#account.get(), service, jid, id, { stage: "read" });
      return true;
    } catch (err) {
      this.deps.warn(`could not publish read to ${service}: ${(err as Error)?.message ?? err}`);
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#account.reset();
  }

  private async withAccount(head: Buffer, bodyHash: string): Promise<Verdict> {
    const report = await this.#verifier.verify(head, bodyHash);
    if (report.result === "temperror") {
      // The session may be what broke: the next message starts afresh.
      await this.#account.reset();
      this.#verifier = this.newVerifier();
    }
    return verdictOf(report, "service");
  }

  private withoutAccount(head: Buffer, bodyHash: string): Verdict {
    const local = checkLocally(head, bodyHash);
    if ("done" in local) return verdictOf(local.done, "local");
    const trusted = trustedReport(head, this.settings.trustedAuthservIds);
    if (trusted) return verdictOf(trusted.report, trusted.authservId);
    return verdictOf({ ...local.partial, result: "temperror", reason: this.#account.missing }, "local");
  }

  private newVerifier(): Verifier {
    return new Verifier({
      session: this.#account.missing ? { missing: this.#account.missing } : { jid: this.settings.jid, password: this.settings.password },
      connect: () => this.#account.get(),
      warn: (message) => this.deps.warn(message),
    });
  }
}
