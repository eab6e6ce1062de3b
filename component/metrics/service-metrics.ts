/**
 * What the service tells its operators, in Prometheus terms. Features report
 * through the ServiceMetrics interface and never see prom-client; the
 * Prometheus implementation keeps its own Registry per service (not
 * prom-client's global one), so two services in one process (the tests, the
 * benchmark) never mix their series.
 *
 * References: Prometheus exposition format 0.0.4; prometheus.io "Metric and
 * label naming" (base units: seconds; `_total` for counters).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the service reports. Every method is cheap enough for the verify path. */
export interface ServiceMetrics {
  /**
   * One answered verify request: `result` is pass, fail, permerror or
   * temperror (or iq-error for a request answered with an IQ error), `reason`
   * the protocol's reason word ("" for a pass), `seconds` from the request's
   * arrival to its answer.
   */
  verification(result: string, reason: string, seconds: number): void;
  /** Reads a queue's depth at every scrape (the group commit, the deferred writes). */
  watchQueue(name: string, depth: () => number): void;
  dbUp(up: boolean): void;
  xmppOnline(online: boolean): void;
}

/** For a service without XSMTP_METRICS: nothing is counted, nothing costs. */
export const noMetrics: ServiceMetrics = {
  verification: () => undefined,
  watchQueue: () => undefined,
  dbUp: () => undefined,
  xmppOnline: () => undefined,
};

/** From 0.2 ms (a cached pass) to 1 s (a commit stuck behind a busy database). */
export const VERIFICATION_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];

export class PrometheusMetrics implements ServiceMetrics {
  readonly registry = new Registry();
  private readonly queues = new Map<string, () => number>();
  private readonly verifications = new Counter({
    name: "xsmtp_verifications_total",
    help: "Verify requests answered, by result and reason",
    labelNames: ["result", "reason"] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "xsmtp_verification_duration_seconds",
    help: "Time from a verify request's arrival to its answer",
    buckets: VERIFICATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly database = new Gauge({
    name: "xsmtp_database_up",
    help: "1 while the store answers, 0 otherwise",
    registers: [this.registry],
  });
  private readonly xmpp = new Gauge({
    name: "xsmtp_xmpp_connected",
    help: "1 while the component is attached to the XMPP server (XEP-0114), 0 otherwise",
    registers: [this.registry],
  });

  /** `processMetrics`: prom-client's default process and Node.js series (CPU, memory, event loop lag, GC). */
  constructor(options: { processMetrics?: boolean } = {}) {
    const queues = this.queues;
    new Gauge({
      name: "xsmtp_queue_depth",
      help: "Writes waiting in a queue (group_commit: answers not yet durable; deferred: bookkeeping written behind)",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      collect() {
        for (const [queue, depth] of queues) this.set({ queue }, depth());
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  verification(result: string, reason: string, seconds: number): void {
    this.verifications.inc({ result, reason });
    this.duration.observe(seconds);
  }

  watchQueue(name: string, depth: () => number): void {
    this.queues.set(name, depth);
  }

  dbUp(up: boolean): void {
    this.database.set(up ? 1 : 0);
  }

  xmppOnline(online: boolean): void {
    this.xmpp.set(online ? 1 : 0);
  }

  /** The text a scrape gets, and its Content-Type. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
