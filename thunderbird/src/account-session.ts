/**
 * The reader's one XMPP session, opened on first need and shared by the
 * verifier, the enrolled-since look-up and `read` reports. The WebSocket URL
 * is the configured one, else XEP-0156 host-meta on the JID's domain. A
 * session that failed or broke is dropped, so the next message tries anew.
 *
 * References: RFC 7395; XEP-0156 §3; PROTOCOL.md §1.
 */
import type { XmppSession } from "../../mail/xmpp/xmpp-session.js";
import { domainOf } from "../../protocol/jid.js";
import type { Settings } from "./settings.js";
import type { WebSocketAccount } from "./websocket-session.js";

export interface SessionDeps {
  connect(account: WebSocketAccount): Promise<XmppSession>;
  findWebSocketUrl(domain: string): Promise<string | null>;
}

export class AccountSession {
  #session?: Promise<XmppSession>;
  constructor(
    private readonly settings: Pick<Settings, "jid" | "password" | "websocketUrl">,
    private readonly deps: SessionDeps,
  ) {}

  /** Why no session can be had, or undefined when an account is configured. */
  get missing(): string | undefined {
    if (!this.settings.jid) return "no XMPP account configured (XSMTP options)";
    if (!this.settings.password) return "no password for the XMPP account (XSMTP options)";
    return undefined;
  }

  get(): Promise<XmppSession> {
    this.#session ??= this.open();
    this.#session.catch(() => (this.#session = undefined));
    return this.#session;
  }

  /** Forget the session (after a failure): the next get() logs in again. */
  async reset(): Promise<void> {
    const session = await this.#session?.catch(() => undefined);
    this.#session = undefined;
    await session?.close();
  }

  private async open(): Promise<XmppSession> {
    const { jid, password } = this.settings;
    const url = this.settings.websocketUrl || (await this.deps.findWebSocketUrl(domainOf(jid)));
    if (!url) throw new Error(`no WebSocket endpoint for ${domainOf(jid)}: set one in the XSMTP options (XEP-0156 found none)`);
    return this.deps.connect({ jid, password, websocketUrl: url });
  }
}
