/**
 * The mail gateway under load, beside its baselines in the same run: four
 * private Postfix instances (no milter, the signing gateway, OpenDKIM, the
 * verifying gateway; devtools/load/milter-stack.ts) take turns in
 * alternating rounds, the order rotated each round; medians are kept.
 * - throughput: smtp-source, 400 messages of 2 KB in 10 sessions (as
 *   POSTFIX.md measured OpenDKIM); for verification our own client, since
 *   smtp-source cannot send signed mail. "submission" stops the clock when
 *   the last message is accepted, "end to end" when the queue is empty.
 * - latency: one session, one message at a time; "." to 250 per message.
 * `--milter-profile DIR` profiles both gateways (devtools/load/cpu-profile-preload.ts;
 * DIR/<pid>.cpuprofile, the step line names whose pid is whose);
 * `--milter-inet` puts the milters on loopback ports instead of unix sockets.
 */
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { PrivatePostfix } from "../devtools/servers/postfix.js";
import { ALICE, BOB, startMilterStack, type MilterStack } from "../devtools/load/milter-stack.js";
import { batch } from "../devtools/load/milter-mail.js";
import { smtpLoad, smtpSource } from "../devtools/load/smtp-load.js";
import { median } from "./rounds.js";
import { percentile, summarize, type MilterFigures } from "./milter-figures.js";
import { CpuBySide } from "./milter-cpu.js";

const ROUNDS = 5;
const MESSAGES = 400;
const SESSIONS = 10;
const BYTES = 2048;
const LATENCY_MESSAGES = 60;

export async function benchMilter(step: (what: string) => void): Promise<MilterFigures> {
  const profileDir = process.argv.includes("--milter-profile") ? process.argv[process.argv.indexOf("--milter-profile") + 1] : undefined;
  step("milter: starting Prosody, two gateways, OpenDKIM, four Postfix");
  const transport = process.argv.includes("--milter-inet") ? "inet" : "unix";
  const stack = await startMilterStack(transport, profileDir ? profileEnv(profileDir) : {}, { prosodyLog: "info" });
  if (profileDir) step(`milter: profiles in ${profileDir}: signer pid ${stack.signer.child.pid}, verifier pid ${stack.verifier.child.pid}`);
  const cpu = await CpuBySide.start({ signer: stack.signer.child.pid!, verifier: stack.verifier.child.pid!, prosody: stack.prosodyPid });
  const seen: Record<string, { submit: number[]; e2e: number[] }> = {};
  const lat: Record<string, number[]> = {};
  /** One throughput side: the load's own rate (submission), then the rate until the queue is empty (end to end). */
  const throughput = async (mta: PrivatePostfix, side: string, load: (port: number) => Promise<number>) => {
    const started = performance.now();
    const submit = await cpu.measure(side, MESSAGES, async () => {
      const rate = await load(mta.smtpPort);
      await drained(mta);
      return rate;
    });
    const s = (seen[side] ??= { submit: [], e2e: [] });
    s.submit.push(submit);
    s.e2e.push((MESSAGES / (performance.now() - started)) * 1000);
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      step(`milter: round ${round + 1}/${ROUNDS}`);
      const signed = batch(`r${round}v`, MESSAGES, BYTES, stack.alice);
      const signedToPlain = batch(`r${round}p`, MESSAGES, BYTES, stack.alice);
      const sides: [string, () => Promise<void>][] = [
        ["plain", () => throughput(stack.plain, "plain", (port) => smtpSource(source(port)))],
        ["sign", () => throughput(stack.sign, "sign", (port) => smtpSource(source(port)))],
        ["opendkim", () => throughput(stack.opendkim, "opendkim", (port) => smtpSource(source(port)))],
        ["plain_signed", () => throughput(stack.plain, "plain_signed", (port) => clientLoad(port, signedToPlain, SESSIONS))],
        ["verify", () => throughput(stack.verify, "verify", (port) => clientLoad(port, signed, SESSIONS))],
        ["latency", () => latencies(stack, round, lat)],
      ];
      for (let i = 0; i < sides.length; i++) await sides[(i + round) % sides.length]![1]();
    }
    checkGateways(stack);
    const medians = Object.fromEntries(Object.entries(seen).map(([side, s]) => [side, { submit: median(s.submit), e2e: median(s.e2e) }]));
    const p = (side: string) => ({ p50: percentile(lat[side]!, 50), p99: percentile(lat[side]!, 99) });
    return { ...summarize(transport, medians, { plain: p("plain"), sign: p("sign"), opendkim: p("opendkim"), verify: p("verify") }), ...cpu.figures() };
  } finally {
    await stack.stop();
  }
}

/** Node refuses --cpu-prof in NODE_OPTIONS; a preload module starts the profiler instead. */
function profileEnv(dir: string): Record<string, string> {
  const preload = fileURLToPath(new URL("../devtools/load/cpu-profile-preload.js", import.meta.url));
  return { NODE_OPTIONS: `--import ${preload}`, XSMTP_BENCH_PROFILE_DIR: resolve(dir) };
}

const source = (port: number) => ({ port, messages: MESSAGES, sessions: SESSIONS, bytes: BYTES, from: ALICE, to: BOB });

async function clientLoad(port: number, messages: Buffer[], sessions: number): Promise<number> {
  return (await smtpLoad({ port, messages, sessions, from: ALICE, to: BOB })).perS;
}

async function latencies(stack: MilterStack, round: number, into: Record<string, number[]>) {
  const plain = batch(`r${round}l`, LATENCY_MESSAGES, BYTES);
  const signed = batch(`r${round}ls`, LATENCY_MESSAGES, BYTES, stack.alice);
  const targets: [string, PrivatePostfix, Buffer[]][] = [["plain", stack.plain, plain], ["sign", stack.sign, plain], ["opendkim", stack.opendkim, plain], ["verify", stack.verify, signed]];
  for (const [side, mta, messages] of targets) {
    const r = await smtpLoad({ port: mta.smtpPort, messages, sessions: 1, from: ALICE, to: BOB });
    (into[side] ??= []).push(...r.latenciesMs);
    await drained(mta);
  }
}

/** Waits until Postfix has delivered (discarded) everything it accepted; a deferred message is an error. */
async function drained(mta: PrivatePostfix): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const counts = await Promise.all(["maildrop", "incoming", "active", "deferred", "hold"].map((q) => filesUnder(join(mta.dir, "queue", q))));
    if (counts[3]! + counts[4]! > 0) throw new Error(`Postfix in ${mta.dir} deferred or held mail:\n${(await mta.log()).slice(-3000)}`);
    if (counts.every((n) => n === 0)) return;
    if (Date.now() > until) throw new Error(`Postfix in ${mta.dir} did not empty its queue:\n${(await mta.log()).slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function filesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

/** The figures mean something only if every message was really signed and verified (pass). */
function checkGateways(stack: MilterStack): void {
  const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
  const signer = stack.signer.output();
  const verifier = stack.verifier.output();
  const expected = ROUNDS * (MESSAGES + LATENCY_MESSAGES);
  const signedCount = count(signer, /"msg":"gateway: signed"/g);
  const passed = count(verifier, /"result":"pass"[^\n]*"msg":"gateway: verified"/g);
  if (signedCount !== expected) throw new Error(`the gateway signed ${signedCount} of ${expected} messages:\n${signer.slice(-3000)}`);
  if (passed !== expected) throw new Error(`the gateway verified ${passed} of ${expected} messages as pass:\n${verifier.slice(-3000)}`);
}
