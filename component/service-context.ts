/**
 * What every feature's wiring receives: the places it registers itself
 * (IQ router, disco registry) and the shared resources it may use. Features
 * never reach for the connection or each other directly.
 */
import type xml from "@xmpp/xml";
import type { Clock } from "./clock.js";
import type { Config } from "./config/config.js";
import type { DiscoRegistry } from "./discovery/registry.js";
import type { Logger } from "./log/logger.js";
import type { ServiceMetrics } from "./metrics/service-metrics.js";
import type { DeferredWrites } from "./store/deferred-writes.js";
import type { Store } from "./store/store.js";
import type { IqRouter } from "./xmpp/iq-router.js";

// Re-exported for the wiring; cores import ./clock.js itself.
export { systemClock, type Clock } from "./clock.js";

export interface ServiceContext {
  config: Config;
  log: Logger;
  /** SQLite or PostgreSQL behind one interface; store.writes batches the writes of IQs answered together. */
  store: Store;
  /** Bookkeeping written behind the answers, in batches (store/deferred-writes.ts: its loss window on a crash). */
  deferred: DeferredWrites;
  clock: Clock;
  router: IqRouter;
  disco: DiscoRegistry;
  /** What operators see at /metrics (a no-op without XSMTP_METRICS). */
  metrics: ServiceMetrics;
  /** Sends a stanza (messages to subscribers); resolves when written or fails quietly when offline. */
  send(stanza: xml.Element): Promise<void>;
  /** Called once when the service stops; features release timers and caches here. */
  onStop(cleanup: () => void): void;
}
