/**
 * The scrape endpoint: GET (or HEAD) /metrics answers the exposition text
 * with its Content-Type; any other path is 404, any other method 405. It
 * has no authentication and no TLS, as node_exporter's default has none:
 * bind it to loopback or a private network (README, Operations).
 *
 * References: RFC 9110 §15.5.5 (404), §15.5.6 (405 with Allow); Prometheus
 * exposition format 0.0.4.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the endpoint serves (PrometheusMetrics). */
export interface Exposition {
  exposition(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsServer {
  /** host:port actually bound (the port is chosen when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/** Splits `host:port` or `[v6]:port` (the XSMTP_METRICS syntax). */
export function splitHostPort(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})$/.exec(listen);
  if (!match || Number(match[3]) > 65535) throw new Error(`not host:port: ${listen}`);
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}

export function serveMetrics(listen: string, source: Exposition): Promise<MetricsServer> {
  const { host, port } = splitHostPort(listen);
  const server = createServer((req, res) => void answer(req, res, source));
  // A scraper that stalls must not hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const bound = server.address() as AddressInfo;
      resolve({
        address: bound.family === "IPv6" ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive scrapers would otherwise hold the close until they hang up.
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function answer(req: IncomingMessage, res: ServerResponse, source: Exposition): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (path !== "/metrics") return plain(res, 404, "not found: the metrics are at /metrics\n");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return plain(res, 405, "method not allowed\n");
  }
  try {
    const body = await source.exposition();
    res.writeHead(200, { "Content-Type": source.contentType, "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  } catch (err) {
    plain(res, 500, `metrics could not be collected: ${(err as Error).message}\n`);
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}
