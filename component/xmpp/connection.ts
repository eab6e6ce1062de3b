/**
 * Keeps the XEP-0114 connection up. xmpp.js 0.13's own reconnect retries every
 * second forever, even after the server refused our secret, so it is replaced:
 * a refused handshake (`not-authorized`) or a JID already attached
 * (`conflict`) is fatal and reported once; anything else is retried with a
 * capped exponential backoff, reset once we are online again. With several
 * endpoints (a cluster's nodes, comma-separated), each retry goes to the
 * next one: a node that stops takes its connections with it, and ejabberd
 * routes a balancing slot's stanzas nowhere until a connection to another
 * node takes the slot back.
 *
 * References: XEP-0114 §3 (handshake), RFC 6120 §4.9.3 (stream error conditions).
 */
import { component, type Component } from "@xmpp/component";
import type xml from "@xmpp/xml";
import type { Socket } from "node:net";
import type { Logger } from "../log/logger.js";

/** Stream errors after which retrying cannot help. */
const FATAL_CONDITIONS: Record<string, string> = {
  "not-authorized": "the XMPP server refused the component secret (check XSMTP_SECRET and the server's component_secret/password)",
  conflict: "another component is already attached as this JID",
  "host-unknown": "the XMPP server has no component of this name (check XSMTP_DOMAIN against the server config)",
  "improper-addressing": "the XMPP server did not accept the component's JID",
};

export interface ConnectionOptions {
  /** xmpp://host:port, or several comma-separated. */
  service: string;
  domain: string;
  secret: string;
  log: Logger;
  /**
   * A standby instance: `conflict` (another connection holds the JID, as
   * Prosody allows one per component) means "not yet", retried at the
   * backoff cap, instead of the end.
   */
  standby?: boolean;
  /** First retry delay and the cap, in ms. */
  backoff?: { initial: number; max: number };
}

export class ComponentConnection {
  readonly xmpp: Component;
  private attempt = 0;
  private standingBy = false;
  private readonly endpoints: string[];
  private endpoint = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private fatal: Error | undefined;
  private readonly log: Logger;
  private readonly backoff: { initial: number; max: number };
  private readonly fatalListeners: ((err: Error) => void)[] = [];
  private readonly onlineListeners: (() => void)[] = [];

  constructor(private readonly options: ConnectionOptions) {
    this.log = options.log;
    this.backoff = options.backoff ?? { initial: 100, max: 2000 };
    this.endpoints = options.service.split(",");
    this.xmpp = component({ service: this.endpoints[0]!, domain: options.domain, password: options.secret });
    this.xmpp.reconnect.stop();
    this.xmpp.on("error", (err: Error & { condition?: string }) => this.onError(err));
    this.xmpp.on("online", () => {
      this.attempt = 0;
      this.standingBy = false;
      this.log.info({ domain: options.domain, service: this.endpoints[this.endpoint] }, "online");
      for (const listener of this.onlineListeners) listener();
    });
    // Stanzas are small and answers wait on them: with Nagle's algorithm a
    // write behind an unacknowledged one (a reply behind a headline) waits
    // for the server's delayed ACK, about 40 ms, on every hop.
    this.xmpp.on("connect", () => {
      const socket = (this.xmpp as unknown as { socket?: Socket }).socket;
      socket?.setNoDelay?.(true);
      if (socket) readOneChunkPerTurn(socket);
    });
    this.xmpp.on("offline", () => this.log.info("offline"));
    this.xmpp.on("disconnect", () => this.scheduleReconnect());
  }

  onFatal(listener: (err: Error) => void): void {
    this.fatalListeners.push(listener);
  }

  /** Called at every (re)connection; keep listeners idempotent. */
  onOnline(listener: () => void): void {
    this.onlineListeners.push(listener);
  }

  get online(): boolean {
    return this.xmpp.status === "online";
  }

  /** Connects once; further attempts happen in the background. */
  start(): void {
    this.connectOnce();
  }

  async send(stanza: xml.Element): Promise<void> {
    if (!this.online) throw new Error("not connected");
    await this.xmpp.send(stanza);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    try {
      await this.xmpp.stop();
    } catch {
      // Stopping a connection that is already down can fail; the outcome is the same.
    }
  }

  private connectOnce(): void {
    const { domain } = this.options;
    const service = this.endpoints[this.endpoint]!;
    const attempt = async () => {
      await this.xmpp.connect(service);
      await this.xmpp.open({ domain });
    };
    attempt().catch((err: Error) => {
      if (this.stopping || this.fatal) return;
      this.log.debug({ reason: err.message }, "connection attempt failed");
      // A timed-out open leaves the socket up and no 'disconnect' coming: force it.
      if (this.xmpp.status !== "disconnect" && this.xmpp.status !== "offline") {
        this.xmpp.disconnect().catch(() => this.scheduleReconnect());
      }
    });
  }

  private onError(err: Error & { condition?: string }): void {
    if (err.condition === "conflict" && this.options.standby) {
      if (!this.standingBy) this.log.info({ domain: this.options.domain }, "another instance holds the component JID; standing by");
      this.standingBy = true;
      // Straight to the cap: a standby asks every few seconds, not ten times a second.
      this.attempt = Math.max(this.attempt, 16);
      return;
    }
    const reason = err.condition ? FATAL_CONDITIONS[err.condition] : undefined;
    if (reason && !this.fatal) {
      this.fatal = new Error(`${reason} (stream error: ${err.condition})`);
      this.stopping = true;
      clearTimeout(this.timer);
      this.log.error({ condition: err.condition }, reason);
      for (const listener of this.fatalListeners) listener(this.fatal);
      return;
    }
    if (this.fatal) return;
    // Connection-level noise (refused, reset) is expected while the server is away.
    this.log.warn({ reason: err.message, condition: err.condition }, "connection error");
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.fatal) return;
    clearTimeout(this.timer);
    const delay = Math.min(this.backoff.max, this.backoff.initial * 2 ** this.attempt);
    this.attempt++;
    this.endpoint = (this.endpoint + 1) % this.endpoints.length;
    this.log.info({ delay_ms: delay, service: this.endpoints[this.endpoint] }, "disconnected; reconnecting");
    this.timer = setTimeout(() => {
      if (this.stopping || this.xmpp.status !== "disconnect") return;
      this.connectOnce();
    }, delay);
  }
}

/**
 * At most one read of the server's stream is parsed per turn of the event
 * loop. libuv reads a busy socket up to 32 times per poll, and xmpp.js
 * parses each read at once: a burst of large stanzas (48 hostile verify
 * requests of 250 KiB, whose XML parses at ~40 µs per KB) stalled every
 * timer and other IQ for 110-120 ms once Prosody passed data 64 KB at a
 * time. Pausing after each chunk leaves the rest in the kernel (TCP flow
 * control holds the server back) until the next turn.
 */
function readOneChunkPerTurn(socket: Socket): void {
  socket.on("data", () => {
    socket.pause();
    setImmediate(() => {
      if (!socket.destroyed) socket.resume();
    });
  });
}
