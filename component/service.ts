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
    send: (stanza: xml.Element) =>
      connection.send(stanza).catch((err: Error) => log.warn({ reason: err.message, to: stanza.attrs.to }, "stanza not sent")),
    onStop: (cleanup) => cleanups.push(cleanup),
  };
  const features = wireFeatures(context, { masterKey: options.masterKey });
  useRouter(connection.xmpp, context.router);

  const fatal = new Promise<Error>((resolve) => connection.onFatal(resolve));
  const online = new Promise<void>((resolve) => connection.onOnline(resolve));
  if (options.connect !== false) connection.start();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await connection.stop();
      for (const cleanup of cleanups) cleanup();
      await store.writes.flush();
      await context.deferred.flush();
      if (!options.keepStore) await store.close();
    })());
  return { context, features, connection, fatal, online, stop };
}
