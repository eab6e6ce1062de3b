/**
 * `npm run bench`: every figure next to a baseline measured in the same run
 * (the machine is shared and noisy, so only ratios compare across runs).
 * Options: --out FILE writes the figures as JSON; --profile DIR also writes
 * a CPU profile of `xsmtp run` there (xsmtp-run.cpuprofile). The component's
 * event-loop delay and the CPU shares under the verify load are always kept.
 * Parts (bench/parts.ts): the IQ and core figures (main), the mail gateway
 * (milter, bench/milter-bench.ts) and several instances on PostgreSQL
 * (cluster, bench/cluster-bench.ts; --cluster-profile DIR profiles them);
 * --only PART runs one, --skip PART leaves one out.
 *
 * Load stays on loopback and is bounded: a private Prosody on free ports, a
 * fixed number of clients, fixed durations.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Client } from "@xmpp/client";
import xml from "@xmpp/xml";
import { startProsody } from "../devtools/servers/prosody.js";
import { startEjabberd } from "../devtools/servers/ejabberd.js";
import { closeClient, connectClient } from "../devtools/xmpp-client.js";
import { benchCore } from "./core-bench.js";
import { closedLoopSides, iqCpuTable, type CpuPerRequest, type Side } from "./iq-sides.js";
import { closedLoop, openLoop, ReplyTap } from "../devtools/load/iq-load.js";
import { machine } from "./machine.js";
import { rssMb, startEcho } from "../devtools/load/processes.js";
import { createState, seedProgress, seedUsers, userJid } from "../devtools/load/seed.js";
import { benchSign } from "./sign-bench.js";
import { benchMilter } from "./milter-bench.js";
import { benchCluster } from "./cluster-bench.js";
import { clusterCpuTable, clusterReport, clusterRows, type ClusterFigures } from "./cluster-figures.js";
import { selectedParts } from "./parts.js";
import { milterReport, milterRows, type MilterFigures } from "./milter-figures.js";
import { renderTable, type Row } from "./table.js";
import { signedRequests, verifyIqMaker } from "../devtools/load/verify-requests.js";
import { NS_PROGRESS, NS_PUBSUB } from "../protocol/namespaces.js";
import { nodeName } from "../protocol/progress-node.js";
import { startComponent } from "../devtools/xsmtp-process.js";
import { COMPONENT_DOMAIN, TEST_ADMIN, UNLIMITED_VERIFY_RATE, xsmtpEnv } from "../devtools/xsmtp-env.js";

const USERS = 100_000;
const PROGRESS_ITEMS = 1_000_000;
const CLIENTS = 4;
const SIGNERS = 48;
const CONCURRENCY = 64;
const OPEN_RATE = 1_000;
const OPEN_MS = 10_000;
const SECRET = "bench-component-secret";
const ECHO = "echo.example.org";
const ECHO_NOTIFY = "notify.example.org";

const outIndex = process.argv.indexOf("--out");
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
const profileIndex = process.argv.indexOf("--profile");
const profileDir = profileIndex > 0 ? process.argv[profileIndex + 1] : undefined;
// --server ejabberd: the IQ figures through a private ejabberd instead (keys get an _ejabberd suffix).
const serverIndex = process.argv.indexOf("--server");
const onEjabberd = serverIndex > 0 && process.argv[serverIndex + 1] === "ejabberd";
const PROBE = fileURLToPath(new URL("../devtools/load/component-probe.js", import.meta.url));
const step = (what: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${what}\n`);

const dir = mkdtempSync(join(tmpdir(), "xsmtp-bench-"));
const figures: Record<string, unknown> = { machine: machine() };
// --only main|milter|cluster, --skip ... (bench/parts.ts).
const parts = selectedParts(process.argv);
if (parts.has("milter")) Object.assign(figures, await benchMilter(step));
if (parts.has("cluster")) Object.assign(figures, await benchCluster(step));
if (!parts.has("main")) {
  const load = (figures.machine as ReturnType<typeof machine>).load;
  if (parts.has("milter")) process.stdout.write(milterReport(figures as MilterFigures));
  if (parts.has("cluster")) process.stdout.write(clusterReport(figures as ClusterFigures, load));
  figures.machine_after = machine();
  if (outFile) writeFileSync(outFile, JSON.stringify(figures, null, 2) + "\n");
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
try {
  step("seeding");
  const { masterKey, store } = await createState(dir);
  let t = performance.now();
  await seedUsers(store, masterKey, USERS);
  figures.seed_users_s = (performance.now() - t) / 1000;
  t = performance.now();
  await seedProgress(store, PROGRESS_ITEMS, USERS);
  figures.seed_progress_s = (performance.now() - t) / 1000;
  await store.close();

  // No component port yet: the core bench runs the service without connecting.
  const env = xsmtpEnv({
    secret: SECRET,
    stateDir: dir,
    admins: TEST_ADMIN,
    extra: { XSMTP_VERIFY_RATE: UNLIMITED_VERIFY_RATE, XSMTP_LOG_LEVEL: "info" },
  });
  // Signed by users 1..SIGNERS, registered on the server below as owners are
  // in a deployment: ejabberd answers a headline to an account that does not
  // exist with an error stanza back to the component, which would bill both
  // the verify side and the notifying echo for a fourth stanza.
  const signed = signedRequests(2_000, SIGNERS);

  step("core verify vs hmac");
  Object.assign(figures, await benchCore(env, masterKey, signed));
  step("sign vs sha256");
  Object.assign(figures, await benchSign(10));

  step(`starting ${onEjabberd ? "ejabberd" : "prosody"}, xsmtp run, echo`);
  const prosody = onEjabberd
    ? await startEjabberd({ componentSecret: SECRET, extraComponents: [ECHO, ECHO_NOTIFY] })
    : await startProsody({ componentSecret: SECRET, extraComponents: [ECHO, ECHO_NOTIFY], logLevel: "info" });
  const clients: Client[] = [];
  try {
    for (let i = 1; i <= CLIENTS; i++) await prosody.register(`bob${i}`, "other.org", "pw");
    const owner = userJid(1).split("@")[0]!;
    for (let i = 1; i <= SIGNERS; i += 8) {
      const batch = Array.from({ length: Math.min(8, SIGNERS - i + 1) }, (_, k) => userJid(i + k).split("@")[0]!);
      await Promise.all(batch.map((user) => prosody.register(user, "example.org", "pw")));
    }
    const service = `xmpp://127.0.0.1:${prosody.componentPort}`;
    const loopDelayFile = join(dir, "loop-delay.json");
    const component = await startComponent({
      ...env,
      XSMTP_SERVICE: service,
      NODE_OPTIONS: `--import=${PROBE}`,
      XSMTP_BENCH_LOOP_DELAY: loopDelayFile,
      ...(profileDir ? { XSMTP_BENCH_CPU_PROFILE: join(profileDir, "xsmtp-run.cpuprofile") } : {}),
    });
    const echo = await startEcho(service, ECHO, SECRET);
    const echoNotify = await startEcho(service, ECHO_NOTIFY, SECRET, { notify: true });
    for (let i = 1; i <= CLIENTS; i++) {
      clients.push(await connectClient({ port: prosody.c2sPort, domain: "other.org", username: `bob${i}`, password: "pw" }));
    }
    const tap = new ReplyTap(clients);
    const verifyTo = verifyIqMaker(signed, COMPONENT_DOMAIN);

    // The event-loop delay from here on is the load's; start-up is kept apart (component-probe.ts).
    component.child.kill("SIGUSR2");
    step("closed loop: verify vs echo vs notifying echo");
    const loop = { concurrency: CONCURRENCY, durationMs: 3_000, warmupMs: 1_000 };
    const closed = await closedLoopSides(
      clients,
      tap,
      {
        verify: { make: verifyTo, pid: component.child.pid! },
        echo: { make: verifyIqMaker(signed, ECHO), pid: echo.pid! },
        echo_notify: { make: verifyIqMaker(signed, ECHO_NOTIFY), pid: echoNotify.pid! },
      },
      prosody.pid(),
      loop,
    );
    Object.assign(figures, {
      verify_iq_per_s: closed.perS.verify,
      echo_iq_per_s: closed.perS.echo,
      verify_vs_echo: closed.perS.verify / closed.perS.echo,
      echo_notify_iq_per_s: closed.perS.echo_notify,
      verify_vs_echo_notify: closed.perS.verify / closed.perS.echo_notify,
      closed_loop_cpu_us_per_iq: closed.cpuUs,
      closed_loop_cpu_shares: closed.shares,
    });
    // CPU seconds per wall second during the verify rounds (kept under its earlier name).
    figures.verify_cpu_share = { load_generator: closed.shares.verify.load, component: closed.shares.verify.component, server: closed.shares.verify.server };

    step(`open loop: ${OPEN_RATE}/s for ${OPEN_MS} ms`);
    const open = await openLoop(clients, tap, verifyTo, { ratePerS: OPEN_RATE, durationMs: OPEN_MS });
    Object.assign(figures, {
      verify_p50_ms: open.p50,
      verify_p99_ms: open.p99,
      verify_max_ms: open.max,
      open_loop: { offered_per_s: open.offeredPerS, sent: open.sent, answered: open.answered, errors: open.errors, lost: open.lost },
    });

    step("progress publishes with the owner subscribed and online");
    const ownerClient = await connectClient({ port: prosody.c2sPort, domain: "example.org", username: owner, password: "pw" });
    clients.push(ownerClient);
    // Headlines to a bare JID reach available resources only (RFC 6121 §8.5.2.1.1): be available.
    await ownerClient.send(xml("presence"));
    let headlines = 0;
    ownerClient.on("stanza", (s) => void (s.is("message") && s.attrs.type === "headline" && headlines++));
    const publish = (id: string, n: number) =>
      `<iq type='set' id='${id}' to='${COMPONENT_DOMAIN}'><pubsub xmlns='${NS_PUBSUB}'><publish node='${nodeName({ owner: userJid(1), messageId: `pub-${n % 50}@example.org` })}'><item><progress xmlns='${NS_PROGRESS}' stage='relayed'/></item></publish></pubsub></iq>`;
    const pub = await closedLoop([ownerClient], new ReplyTap([ownerClient]), publish, { concurrency: 16, durationMs: 4_000, warmupMs: 500 });
    if (pub.errors > 0) throw new Error(`${pub.errors} publishes answered with an error`);
    Object.assign(figures, { progress_publish_per_s: pub.perS, progress_headlines: headlines });

    figures.rss_mb = rssMb(component.child.pid!);
    component.child.kill("SIGTERM");
    echo.kill("SIGTERM");
    echoNotify.kill("SIGTERM");
    figures.component_exit = await component.exited;
    figures.component_loop_delay_ms = JSON.parse(readFileSync(loopDelayFile, "utf8"));
  } finally {
    for (const c of clients) await closeClient(c);
    await prosody.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (onEjabberd) {
  for (const key of ["verify_iq_per_s", "echo_iq_per_s", "verify_vs_echo", "echo_notify_iq_per_s", "verify_vs_echo_notify", "verify_p50_ms", "verify_p99_ms", "verify_max_ms", "progress_publish_per_s"]) {
    figures[`${key}_ejabberd`] = figures[key];
  }
}
const f = figures as Record<string, number>;
const rows: Row[] = [
  { figure: "verify_iq_per_s", value: f.verify_iq_per_s!, baseline: { name: "echo", value: f.echo_iq_per_s! }, ratio: f.verify_vs_echo, goal: { text: "ratio >= 0.9", met: f.verify_vs_echo! >= 0.9 } },
  { figure: "verify_iq_per_s", value: f.verify_iq_per_s!, baseline: { name: "echo_notify", value: f.echo_notify_iq_per_s! }, ratio: f.verify_vs_echo_notify },
  { figure: "verify_p50_ms", value: f.verify_p50_ms!, goal: { text: `at ${OPEN_RATE}/s open loop`, met: true } },
  { figure: "verify_p99_ms", value: f.verify_p99_ms!, goal: { text: "< 20 ms", met: f.verify_p99_ms! < 20 } },
  { figure: "core_verify_per_s", value: f.core_verify_per_s!, baseline: { name: "hmac", value: f.hmac_per_s! }, ratio: f.core_vs_hmac, goal: { text: "ratio >= 0.25", met: f.core_vs_hmac! >= 0.25 } },
  { figure: "sign_mb_per_s", value: f.sign_mb_per_s!, baseline: { name: "sha256", value: f.sha256_mb_per_s! }, ratio: f.sign_vs_sha256, goal: { text: "ratio >= 0.5", met: f.sign_vs_sha256! >= 0.5 } },
  { figure: "progress_publish_per_s", value: f.progress_publish_per_s! },
  { figure: "rss_mb", value: f.rss_mb!, goal: { text: "< 150 MB", met: f.rss_mb! < 150 } },
  ...(parts.has("milter") ? milterRows(f) : []),
  ...(parts.has("cluster") ? clusterRows(figures as ClusterFigures) : []),
];
const m = figures.machine as ReturnType<typeof machine>;
const after = (figures.machine_after = machine());
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
const cpuTables = `\n${iqCpuTable(figures.closed_loop_cpu_us_per_iq as CpuPerRequest, figures.closed_loop_cpu_shares as Record<Side, Record<string, number>>)}${parts.has("cluster") ? `\n${clusterCpuTable(figures as ClusterFigures)}` : ""}`;
const text = `Machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; load average ${load(m.load)} at the start, ${load(after.load)} at the end\n\n${renderTable(rows)}\n${cpuTables}`;
process.stdout.write(text);
process.stderr.write(`${JSON.stringify(figures)}\n`);
if (outFile) writeFileSync(outFile, JSON.stringify(figures, null, 2) + "\n");
process.exit(0);
