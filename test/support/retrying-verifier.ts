/**
 * A verifier that behaves as a mail gateway should in front of a cluster:
 * it sends signed verify IQs one after another, each for a message of its
 * own, and retries a request under a new IQ id when the reply is an IQ error
 * or does not come in time (ejabberd drops a stanza whose balancing slot has
 * no connection, without an error). When its node goes away, its c2s
 * session moves to the next node. Every attempt and every reply is recorded
 * by IQ id, so a test can tell an answer lost from one answered twice.
 *
 * References: PROTOCOL.md §5; RFC 6120 §8.2.3 (one reply per IQ).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@xmpp/client";
import type xml from "@xmpp/xml";
import { KEY_ID, userSecret } from "../../devtools/load/seed.js";
import { aliceMessage, sign } from "../../devtools/load/signed-message.js";
import { verifyIqMaker } from "../../devtools/load/verify-requests.js";
import { closeClient, connectClient } from "../../devtools/xmpp-client.js";
import { COMPONENT_DOMAIN } from "../../devtools/xsmtp-env.js";
import { NS_XSMTP } from "../../protocol/namespaces.js";

const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export interface Answer {
  at: number;
  type: "result" | "error";
  /** The verification's result and reason (a result), or the error condition (an error). */
  result?: string;
  reason?: string;
  condition?: string;
}

export interface Attempt {
  id: string;
  sentAt: number;
  /** Index in the verifier's c2s ports of the node it was sent through. */
  node: number;
  /** Every reply with this id, late ones included: more than one is a bug. */
  answers: Answer[];
  timedOut: boolean;
}

/** One message to verify, tried until a verification comes back. */
export interface LogicalRequest {
  verifier: string;
  n: number;
  attempts: Attempt[];
  /** The verification that ended it (pass, or temperror); undefined if every attempt failed. */
  outcome?: Answer;
}

export interface VerifierOptions {
  /** Account name on `host`; also the IQ id prefix. */
  user: string;
  host: string;
  password: string;
  /** c2s ports of the cluster's nodes, the verifier's own node first. */
  ports: number[];
  /** The enrolled identity whose messages this verifier checks (seed.ts's userJid). */
  signer: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Pause between requests. */
  paceMs: number;
}

export class RetryingVerifier {
  readonly requests: LogicalRequest[] = [];
  /** When the c2s session was lost, and when and to which node (port index) it moved. */
  readonly moves: { lostAt: number; at: number; node: number }[] = [];
  private readonly attempts = new Map<string, Attempt>();
  private readonly waiters = new Map<string, (answer: Answer) => void>();
  private client: Client | undefined;
  private node = 0;
  private running = false;
  private closing = false;
  private loop: Promise<void> | undefined;

  constructor(readonly options: VerifierOptions) {}

  get name(): string {
    return this.options.user;
  }

  async connect(node = 0): Promise<void> {
    const { user, host, password, ports } = this.options;
    const c = await connectClient({ port: ports[node]!, domain: host, username: user, password });
    this.node = node;
    c.on("stanza", (el: xml.Element) => this.onStanza(el));
    c.on("disconnect", () => {
      if (this.client === c && !this.closing) void this.moveOn();
    });
    this.client = c;
  }

  /** Sends requests until stop(), or `limit` of them. */
  start(limit = 5_000): void {
    this.running = true;
    this.loop = (async () => {
      for (let n = 1; this.running && n <= limit; n++) {
        await this.verify(n);
        await sleep(this.options.paceMs);
      }
    })();
  }

  /** Lets the request in progress finish (retries included), then stops sending. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.client) await closeClient(this.client, 500);
  }

  private async verify(n: number): Promise<void> {
    const { signer, maxAttempts } = this.options;
    const message = aliceMessage({ From: `<${signer}>`, "Message-ID": `<${this.name}-${n}@example.org>` });
    const signed = sign(message, { jid: signer, keyId: KEY_ID, secret: userSecret(signer), t: Math.floor(Date.now() / 1000) });
    const iq = verifyIqMaker([{ jid: signer, ...signed }], COMPONENT_DOMAIN);
    const request: LogicalRequest = { verifier: this.name, n, attempts: [] };
    this.requests.push(request);
    for (let k = 1; k <= maxAttempts && !request.outcome; k++) {
      const answer = await this.attempt(request, `${this.name}-${n}-${k}`, iq);
      if (answer?.type === "result") request.outcome = answer;
    }
  }

  private async attempt(request: LogicalRequest, id: string, iq: (id: string, n: number) => string): Promise<Answer | undefined> {
    // A request waits for a session rather than being written into none.
    while (!this.client || this.client.status !== "online") await sleep(20);
    const client = this.client;
    const attempt: Attempt = { id, sentAt: Date.now(), node: this.node, answers: [], timedOut: false };
    this.attempts.set(id, attempt);
    request.attempts.push(attempt);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        attempt.timedOut = true;
        this.waiters.delete(id);
        resolve(undefined);
      }, this.options.timeoutMs);
      this.waiters.set(id, (answer) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(answer);
      });
      // xmpp.js has write(string) on every connection; its typings leave it out.
      (client as unknown as { write(s: string): Promise<void> }).write(iq(id, 0)).catch(() => undefined);
    });
  }

  private onStanza(el: xml.Element): void {
    if (el.name !== "iq" || (el.attrs.type !== "result" && el.attrs.type !== "error")) return;
    const attempt = this.attempts.get(String(el.attrs.id));
    if (!attempt) return;
    const verification = el.getChild("verification", NS_XSMTP);
    const condition = el.getChild("error")?.children.find((c): c is xml.Element => typeof c !== "string" && c.attrs.xmlns === NS_STANZAS);
    const answer: Answer =
      el.attrs.type === "result"
        ? { at: Date.now(), type: "result", result: verification?.attrs.result, reason: verification?.attrs.reason }
        : { at: Date.now(), type: "error", condition: condition?.name };
    attempt.answers.push(answer);
    this.waiters.get(attempt.id)?.(answer);
  }

  /** The session is gone (its node stopped): log in on the next node, and the next, until one takes us. */
  private async moveOn(): Promise<void> {
    this.client = undefined;
    const lostAt = Date.now();
    const { ports } = this.options;
    for (let node = (this.node + 1) % ports.length; !this.closing; node = (node + 1) % ports.length) {
      try {
        await this.connect(node);
        this.moves.push({ lostAt, at: Date.now(), node });
        return;
      } catch {
        await sleep(200);
      }
    }
  }
}
