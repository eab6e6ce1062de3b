/**
 * Assembles a running XSMTP service: store, router, disco registry, the
 * features, and the component connection that feeds them. `xsmtp run` and the
 * integration tests both start the service through here.
 */
import type xml from "@xmpp/xml";
import type { Config } from "./config/config.js";
import { DiscoRegistry } from "./discovery/registry.js";
import { wireFeatures, type Features } from "./features.js";
import type { Logger } from "./log/logger.js";
import { startMetrics, type RunningMetrics } from "./metrics/wiring.js";
import { systemClock, type Clock, type ServiceContext } from "./service-context.js";
import { DeferredWrites } from "./store/deferred-writes.js";
import type { Store } from "./store/store.js";
import { ComponentConnection } from "./xmpp/connection.js";
import { IqRouter } from "./xmpp/iq-router.js";
import { useRouter } from "./xmpp/router-middleware.js";

export interface RunningService {
  context: ServiceContext;
  features: Features;
  connection: ComponentConnection;
  /** Resolves with the reason when the connection fails for good (wrong secret, conflict). */
  fatal: Promise<Error>;
  /** Resolves at the first time the component is online. */
  online: Promise<void>;
  /** The /metrics endpoint (XSMTP_METRICS): `listening` rejects when its address cannot be bound. */
  metrics: RunningMetrics;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  log: Logger;
  clock?: Clock;
  /** The open store (openStore(config.database)); the service closes it when it stops unless `keepStore`. */
  store: Store;
  keepStore?: boolean;
  backoff?: { initial: number; max: number };
  /** Tests pass a master key instead of a key file. */
  masterKey?: Buffer;
  /** False for unit tests that feed stanzas in without a server. */
  connect?: boolean;
}

export function startService(config: Config, options: ServiceOptions): RunningService {
  const { log } = options;
  const { store } = options;
  const metrics = startMetrics(config, log);
  store.watchHealth((up) => metrics.dbUp(up));
  const cleanups: (() => void)[] = [];
  const connection = new ComponentConnection({
    service: config.service,
    domain: config.domain,
    secret: config.secret,
    standby: config.standby,
    log,
    backoff: options.backoff,
  });
  const context: ServiceContext = {
    config,
    log,
    store,
    deferred: new DeferredWrites(store.writes, (err) => log.warn({ reason: err.message }, "deferred bookkeeping not written")),
    clock: options.clock ?? systemClock,
    router: new IqRouter(log),
    disco: new DiscoRegistry(),
    metrics,
    send: (stanza: xml.Element) =>
      connection.send(stanza).catch((err: Error) => log.warn({ reason: err.message, to: stanza.attrs.to }, "stanza not sent")),
    onStop: (cleanup) => cleanups.push(cleanup),
  };
  let features: Features;
  try {
    features = wireFeatures(context, { masterKey: options.masterKey });
  } catch (err) {
    // A refused key file, say: the endpoint already listening must not keep the process alive.
    void metrics.stop();
    throw err;
  }
  useRouter(connection.xmpp, context.router);
  // Read at scrape time: the hot path pays nothing.
  metrics.watchQueue("group_commit", () => store.writes.depth);
  metrics.watchQueue("deferred", () => context.deferred.depth);
  // Every status change (connecting, online, disconnect, offline...), so a lost stream reads 0 at once.
  connection.xmpp.on("status", (status: string) => metrics.xmppOnline(status === "online"));

  const fatal = new Promise<Error>((resolve) => connection.onFatal(resolve));
  const online = new Promise<void>((resolve) => connection.onOnline(resolve));
  if (options.connect !== false) connection.start();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await metrics.stop();
      await connection.stop();
      for (const cleanup of cleanups) cleanup();
      await store.writes.flush();
      await context.deferred.flush();
      if (!options.keepStore) await store.close();
    })());
  return { context, features, connection, fatal, online, metrics, stop };
}
