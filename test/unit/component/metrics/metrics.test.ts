import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../../../component/config/config.js";
import { silentLogger } from "../../../../component/log/logger.js";
import { serveMetrics } from "../../../../component/metrics/metrics-server.js";
import { PrometheusMetrics } from "../../../../component/metrics/service-metrics.js";
import { startMetrics } from "../../../../component/metrics/wiring.js";

const lines = (text: string) => text.split("\n");

describe("metrics exposition", () => {
  it("verifications are counted by result and reason, exact lines", async () => {
    const metrics = new PrometheusMetrics();
    metrics.verification("pass", "", 0.0003);
    metrics.verification("fail", "signature-mismatch", 0.004);
    metrics.verification("fail", "signature-mismatch", 0.7);
    const text = lines(await metrics.exposition());
    assert.ok(text.includes("# TYPE xsmtp_verifications_total counter"));
    assert.ok(text.includes('xsmtp_verifications_total{result="pass",reason=""} 1'), text.join("\n"));
    assert.ok(text.includes('xsmtp_verifications_total{result="fail",reason="signature-mismatch"} 2'));
  });

  it("verification durations fall into buckets from 0.2 ms to 1 s", async () => {
    const metrics = new PrometheusMetrics();
    for (const seconds of [0.0001, 0.0003, 0.004, 0.7, 3]) metrics.verification("pass", "", seconds);
    const text = lines(await metrics.exposition());
    for (const line of [
      'xsmtp_verification_duration_seconds_bucket{le="0.0002"} 1',
      'xsmtp_verification_duration_seconds_bucket{le="0.0005"} 2',
      'xsmtp_verification_duration_seconds_bucket{le="0.005"} 3',
      'xsmtp_verification_duration_seconds_bucket{le="1"} 4',
      'xsmtp_verification_duration_seconds_bucket{le="+Inf"} 5',
      "xsmtp_verification_duration_seconds_count 5",
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
  });

  it("queue depths are read at every scrape", async () => {
    const metrics = new PrometheusMetrics();
    let waiting = 3;
    metrics.watchQueue("group_commit", () => waiting);
    metrics.watchQueue("deferred", () => 0);
    assert.ok(lines(await metrics.exposition()).includes('xsmtp_queue_depth{queue="group_commit"} 3'));
    waiting = 0;
    const text = lines(await metrics.exposition());
    assert.ok(text.includes('xsmtp_queue_depth{queue="group_commit"} 0'));
    assert.ok(text.includes('xsmtp_queue_depth{queue="deferred"} 0'));
  });

  it("database and XMPP state are 1 or 0", async () => {
    const metrics = new PrometheusMetrics();
    metrics.dbUp(true);
    metrics.xmppOnline(true);
    let text = lines(await metrics.exposition());
    assert.ok(text.includes("xsmtp_database_up 1") && text.includes("xsmtp_xmpp_connected 1"));
    metrics.dbUp(false);
    metrics.xmppOnline(false);
    text = lines(await metrics.exposition());
    assert.ok(text.includes("xsmtp_database_up 0") && text.includes("xsmtp_xmpp_connected 0"));
  });

  it("each service has its own registry: two never mix their series", async () => {
    const a = new PrometheusMetrics();
    const b = new PrometheusMetrics();
    a.verification("pass", "", 0.001);
    assert.ok(lines(await a.exposition()).includes('xsmtp_verifications_total{result="pass",reason=""} 1'));
    assert.doesNotMatch(await b.exposition(), /result="pass"/);
  });
});

describe("the /metrics endpoint", () => {
  it("GET /metrics answers 200 with the registry's content type; HEAD too, without a body", async () => {
    const metrics = new PrometheusMetrics();
    metrics.verification("permerror", "malformed-signature", 0.001);
    const server = await serveMetrics("127.0.0.1:0", metrics);
    try {
      const res = await fetch(`http://${server.address}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), metrics.contentType);
      assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
      assert.ok(lines(await res.text()).includes('xsmtp_verifications_total{result="permerror",reason="malformed-signature"} 1'));
      const head = await fetch(`http://${server.address}/metrics`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    } finally {
      await server.close();
    }
  });

  it("another path answers 404, another method 405 with Allow", async () => {
    const server = await serveMetrics("127.0.0.1:0", new PrometheusMetrics());
    try {
      assert.equal((await fetch(`http://${server.address}/`)).status, 404);
      assert.equal((await fetch(`http://${server.address}/metrics/x`)).status, 404);
      const post = await fetch(`http://${server.address}/metrics`, { method: "POST", body: "x" });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get("allow"), "GET, HEAD");
      // A query string is no other path (some scrapers add one).
      assert.equal((await fetch(`http://${server.address}/metrics?name[]=up`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it("a collection failure answers 500, and the endpoint keeps serving", async () => {
    let fail = true;
    const server = await serveMetrics("127.0.0.1:0", {
      contentType: "text/plain",
      exposition: async () => {
        if (fail) throw new Error("boom");
        return "ok\n";
      },
    });
    try {
      assert.equal((await fetch(`http://${server.address}/metrics`)).status, 500);
      fail = false;
      assert.equal(await (await fetch(`http://${server.address}/metrics`)).text(), "ok\n");
    } finally {
      await server.close();
    }
  });

  it("with XSMTP_METRICS the process series are served too; stop() closes the port", async () => {
    const running = startMetrics({ metrics: "127.0.0.1:0" }, silentLogger());
    const address = await running.listening;
    const text = await (await fetch(`http://${address}/metrics`)).text();
    assert.match(text, /^process_cpu_user_seconds_total \d/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    await running.stop();
    await assert.rejects(fetch(`http://${address}/metrics`));
  });

  it("without XSMTP_METRICS nothing listens and every report is a no-op", async () => {
    const running = startMetrics({ metrics: undefined }, silentLogger());
    assert.equal(await running.listening, undefined);
    running.verification("pass", "", 0.001);
    running.xmppOnline(true);
    await running.stop();
  });

  it("an address already taken rejects `listening` with a message naming XSMTP_METRICS", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const running = startMetrics({ metrics: `127.0.0.1:${port}` }, silentLogger());
      await assert.rejects(running.listening, /XSMTP_METRICS: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
      await running.stop();
    } finally {
      taken.close();
    }
  });
});

describe("XSMTP_METRICS setting", () => {
  const base = { XSMTP_SERVICE: "xmpp://127.0.0.1:5347", XSMTP_DOMAIN: "xsmtp.example.org", XSMTP_SECRET: "s" };

  it("is off by default and takes host:port or [v6]:port", () => {
    assert.equal(loadConfig({ env: base, require: "component" }).metrics, undefined);
    assert.equal(loadConfig({ env: { ...base, XSMTP_METRICS: "127.0.0.1:9464" }, require: "component" }).metrics, "127.0.0.1:9464");
    assert.equal(loadConfig({ env: { ...base, XSMTP_METRICS: "[::1]:9464" }, require: "component" }).metrics, "[::1]:9464");
  });

  it("a port alone or out of range is named in the error", () => {
    for (const bad of ["9464", "localhost:99999", "http://127.0.0.1:9464"]) {
      assert.throws(
        () => loadConfig({ env: { ...base, XSMTP_METRICS: bad }, require: "component" }),
        (err: Error) => err instanceof ConfigError && /XSMTP_METRICS is invalid/.test(err.message),
        bad,
      );
    }
  });
});
