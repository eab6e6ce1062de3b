/**
 * Starts the service's metrics: with XSMTP_METRICS set, a Prometheus
 * registry with the process series and the /metrics endpoint on that
 * address; without it, the no-op ServiceMetrics. service.ts calls it once and
 * stops it with the service.
 */
import type { Config } from "../config/config.js";
import type { Logger } from "../log/logger.js";
import { serveMetrics } from "./metrics-server.js";
import { noMetrics, PrometheusMetrics, type ServiceMetrics } from "./service-metrics.js";

export interface RunningMetrics extends ServiceMetrics {
  /**
   * Resolves with the bound host:port once the endpoint listens (undefined
   * when metrics are off); rejects when it cannot listen (the address is
   * taken, say). A failure is logged even when nobody awaits it.
   */
  listening: Promise<string | undefined>;
  stop(): Promise<void>;
}

export function startMetrics(config: Pick<Config, "metrics">, log: Logger): RunningMetrics {
  if (config.metrics === undefined) return { ...noMetrics, listening: Promise.resolve(undefined), stop: async () => undefined };
  const metrics = new PrometheusMetrics({ processMetrics: true });
  const server = serveMetrics(config.metrics, metrics).catch((err: NodeJS.ErrnoException) => {
    log.error({ metrics: config.metrics, reason: err.code ?? err.message }, "cannot serve metrics");
    throw new Error(`XSMTP_METRICS: cannot listen on ${config.metrics}: ${err.code ?? err.message}`);
  });
  const listening = server.then((s) => {
    log.info({ metrics: s.address }, "metrics listening");
    return s.address;
  });
  listening.catch(() => undefined);
  return {
    verification: (result, reason, seconds) => metrics.verification(result, reason, seconds),
    watchQueue: (name, depth) => metrics.watchQueue(name, depth),
    dbUp: (up) => metrics.dbUp(up),
    xmppOnline: (online) => metrics.xmppOnline(online),
    listening,
    stop: async () => {
      const s = await server.catch(() => undefined);
      await s?.close();
    },
  };
}
