/**
 * Drives IQ load from logged-in clients over loopback and counts replies by
 * id. Closed loop: a fixed number in flight, the next sent when one is
 * answered (throughput). Open loop: sent on a schedule whether or not earlier
 * ones were answered (latency at a given offered load). Requests are raw XML
 * strings written straight to the socket, so the load generator spends its
 * CPU on parsing replies, not on building stanzas.
 */
import type { Client } from "@xmpp/client";
import type xml from "@xmpp/xml";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** Builds request number `n` with stanza id `id`. */
export type MakeRequest = (id: string, n: number) => string;

export interface Reply {
  id: string;
  type: string;
  stanza: xml.Element;
}

/** Routes every IQ reply the clients get to one listener, by id prefix. */
export class ReplyTap {
  private listeners = new Map<string, (reply: Reply) => void>();

  constructor(clients: Client[]) {
    for (const c of clients) {
      c.on("stanza", (stanza: xml.Element) => {
        if (stanza.name !== "iq" || (stanza.attrs.type !== "result" && stanza.attrs.type !== "error")) return;
        const id = String(stanza.attrs.id ?? "");
        this.listeners.get(id.slice(0, id.indexOf("-") + 1))?.({ id, type: stanza.attrs.type, stanza });
      });
    }
  }

  /** `prefix` ends with "-"; returns a function that removes the listener. */
  listen(prefix: string, listener: (reply: Reply) => void): () => void {
    this.listeners.set(prefix, listener);
    return () => this.listeners.delete(prefix);
  }
}

let runs = 0;

/** xmpp.js has `write(string)` on every connection; its typings leave it out. */
const write = (c: Client, text: string) => (c as unknown as { write(s: string): Promise<void> }).write(text).catch(() => {});

/**
 * Whether a reply is the answer the load expects; others count as errors.
 * By default any IQ result: a verify answer of temperror is a result too, so
 * verification loads pass a check of the <verification/> inside.
 */
export type Accept = (reply: Reply) => boolean;
const notError: Accept = (reply) => reply.type !== "error";

export interface ClosedLoopResult {
  perS: number;
  answered: number;
  errors: number;
  /** Every request sent, the warm-up's included (all answered, unless some were still out after 5 s). */
  sent: number;
}

export async function closedLoop(
  clients: Client[],
  tap: ReplyTap,
  make: MakeRequest,
  opts: { concurrency: number; durationMs: number; warmupMs: number; accept?: Accept },
): Promise<ClosedLoopResult> {
  const prefix = `c${++runs}-`;
  let n = 0;
  let counting = false;
  let stopping = false;
  let answered = 0;
  let errors = 0;
  let inFlight = 0;
  const send = (slot: number) => {
    const id = `${prefix}${n}`;
    inFlight++;
    void write(clients[slot % clients.length]!, make(id, n++));
  };
  const stop = tap.listen(prefix, (reply) => {
    inFlight--;
    if (counting) {
      answered++;
      if (!(opts.accept ?? notError)(reply)) errors++;
    }
    if (!stopping) send(n);
  });
  for (let i = 0; i < opts.concurrency; i++) send(i);
  await sleep(opts.warmupMs);
  counting = true;
  const start = performance.now();
  await sleep(opts.durationMs);
  counting = false;
  const elapsed = performance.now() - start;
  const counted = answered;
  stopping = true;
  for (let waited = 0; inFlight > 0 && waited < 5_000; waited += 50) await sleep(50);
  stop();
  return { perS: (counted / elapsed) * 1000, answered: counted, errors, sent: n };
}

/**
 * Sends requests 0..count-1, `concurrency` at a time (request n from client
 * n mod clients, as closedLoop does), and resolves once all are answered:
 * a warm-up that reaches every request a measured closed loop will send.
 */
export async function sendAll(
  clients: Client[],
  tap: ReplyTap,
  make: MakeRequest,
  opts: { count: number; concurrency: number; accept?: Accept; timeoutMs?: number },
): Promise<{ errors: number }> {
  const prefix = `w${++runs}-`;
  let n = 0;
  let answered = 0;
  let errors = 0;
  const send = () => {
    if (n >= opts.count) return;
    const id = `${prefix}${n}`;
    void write(clients[n % clients.length]!, make(id, n++));
  };
  const done = new Promise<void>((resolve) => {
    const stop = tap.listen(prefix, (reply) => {
      if (!(opts.accept ?? notError)(reply)) errors++;
      if (++answered === opts.count) {
        stop();
        resolve();
      } else send();
    });
  });
  for (let i = 0; i < opts.concurrency; i++) send();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${opts.count - answered} of ${opts.count} warm-up requests unanswered after ${timeoutMs} ms`)), timeoutMs);
  });
  await Promise.race([done, late]).finally(() => clearTimeout(timer));
  return { errors };
}

export interface OpenLoopResult {
  offeredPerS: number;
  sent: number;
  answered: number;
  errors: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
}

export async function openLoop(
  clients: Client[],
  tap: ReplyTap,
  make: MakeRequest,
  opts: { ratePerS: number; durationMs: number; graceMs?: number; accept?: Accept },
): Promise<OpenLoopResult> {
  const prefix = `o${++runs}-`;
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let errors = 0;
  const stop = tap.listen(prefix, (reply) => {
    const n = Number(reply.id.slice(prefix.length));
    const at = sentAt[n];
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    if (!(opts.accept ?? notError)(reply)) errors++;
  });
  const start = performance.now();
  const total = Math.round((opts.ratePerS * opts.durationMs) / 1000);
  let n = 0;
  // Catch up to the schedule every millisecond or so: a late tick sends a small burst, as real traffic would.
  while (n < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * opts.ratePerS) / 1000));
    for (; n < due; n++) {
      sentAt[n] = performance.now();
      void write(clients[n % clients.length]!, make(`${prefix}${n}`, n));
    }
    await sleep(1);
  }
  const offeredPerS = (total / (performance.now() - start)) * 1000;
  const grace = opts.graceMs ?? 3_000;
  for (let waited = 0; latencies.length < total && waited < grace; waited += 50) await sleep(50);
  stop();
  const sorted = latencies.slice().sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    offeredPerS,
    sent: total,
    answered: latencies.length,
    errors,
    lost: total - latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}
