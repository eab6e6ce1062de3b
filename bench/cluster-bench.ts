/**
 * Several instances on PostgreSQL behind a two-node ejabberd cluster (issue
 * 14): verify IQ/s with 1, 2 and 3 `xsmtp run` on one database, each beside
 * an echo component with as many connections on the same cluster, and one
 * instance on SQLite beside one on PostgreSQL (devtools/load/cluster-stack.ts).
 * Closed loop at fixed concurrency, sides in alternating rounds, medians.
 * After each side the bench waits until the instances and PostgreSQL are
 * quiet again (the deferred progress writes behind the answers), and counts
 * that wait: a backlog the closed loop left behind. Per side: CPU by part
 * (bench/cluster-cpu.ts) and, on PostgreSQL, statements by kind, their
 * execution time, write transactions and WAL bytes per verification
 * (bench/cluster-pg.ts). Then p50/p99 per instance count in an open loop.
 * `--cluster-profile DIR` profiles every instance (DIR/<pid>.cpuprofile);
 * `--cluster-rounds N` (default 3).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { closedLoop, openLoop, ReplyTap, sendAll, type Accept } from "../devtools/load/iq-load.js";
import { echoDomain, pgDomain, SQLITE_DOMAIN, startClusterStack } from "../devtools/load/cluster-stack.js";
import { signedRequests, verifyIqMaker } from "../devtools/load/verify-requests.js";
import { NS_XSMTP } from "../protocol/namespaces.js";
import { clusterParts, settle, type PartSeconds } from "./cluster-cpu.js";
import { perVerification, watchPostgres } from "./cluster-pg.js";
import { clusterSummary, type ClusterFigures, type SideRounds } from "./cluster-figures.js";

export const COUNTS = [1, 2, 3];
const USERS = 100_000;
const PROGRESS_ITEMS = 100_000;
/** Who signed the 2,000 verified messages (users 1..SIGNERS of the population), registered on the cluster as their owners. */
const SIGNERS = 48;
/** Rounds per side: 3 keeps the default bench about 3.5 minutes longer; --cluster-rounds N for steadier medians. */
const ROUNDS = 3;
const LOOP = { concurrency: 64, durationMs: 3_000, warmupMs: 1_000 };
export const OPEN_RATE = 500;
const OPEN_MS = 4_000;

/** The first answer that was not a pass, for the error message. */
let firstRejected = "";
const isPass: Accept = (reply) => {
  const pass = reply.type === "result" && reply.stanza.getChild("verification", NS_XSMTP)?.attrs.result === "pass";
  if (!pass && !firstRejected) firstRejected = reply.stanza.toString();
  return pass;
};

export async function benchCluster(step: (what: string) => void): Promise<ClusterFigures> {
  const roundsIndex = process.argv.indexOf("--cluster-rounds");
  const rounds = roundsIndex > 0 ? Number(process.argv[roundsIndex + 1]) : ROUNDS;
  const profileIndex = process.argv.indexOf("--cluster-profile");
  const profileDir = profileIndex > 0 ? resolve(process.argv[profileIndex + 1]!) : undefined;
  const preload = fileURLToPath(new URL("../devtools/load/cpu-profile-preload.js", import.meta.url));
  const env = profileDir ? { NODE_OPTIONS: `--import ${preload}`, XSMTP_BENCH_PROFILE_DIR: profileDir } : undefined;
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-cluster-bench-"));
  const started = performance.now();
  const stack = await startClusterStack(dir, { counts: COUNTS, users: USERS, progressItems: PROGRESS_ITEMS, signers: SIGNERS, env }, step);
  try {
    const setupS = (performance.now() - started) / 1000;
    const tap = new ReplyTap(stack.clients);
    const signed = signedRequests(2_000, SIGNERS);
    const parts = clusterParts(stack);
    const watch = await watchPostgres(stack.postgres.url);
    const sides: [string, string, boolean][] = [
      ...COUNTS.flatMap((n): [string, string, boolean][] => [[`pg_${n}`, pgDomain(n), true], [`echo_${n}`, echoDomain(n), false]]),
      ["sqlite_1", SQLITE_DOMAIN, false],
    ];
    // Every instance's first sight of a signer reads its key and addresses,
    // and the first verification of a message creates its progress node. A
    // round sends request n from client n mod 12, from n = 0 on, so one pass
    // over lcm(clients, requests) requests shows each instance every
    // (client, request) pair it will see: done before the rounds, not in them.
    step("cluster: warming the instances' identity caches");
    const cycle = lcm(stack.clients.length, signed.length);
    for (const [side, domain] of sides) {
      if (side.startsWith("echo")) continue;
      const warm = await sendAll(stack.clients, tap, verifyIqMaker(signed, domain), { count: cycle, concurrency: LOOP.concurrency, accept: isPass });
      if (warm.errors > 0) throw new Error(`${side} warm-up: ${warm.errors} answers were not a pass, the first: ${firstRejected}`);
      await settle(parts.busy);
    }
    const seen: Record<string, SideRounds> = {};
    for (let round = 0; round < rounds; round++) {
      step(`cluster: round ${round + 1}/${rounds}`);
      for (let i = 0; i < sides.length; i++) {
        const [side, domain, onPostgres] = sides[(i + round) % sides.length]!;
        const verify = !side.startsWith("echo");
        const pgBefore = onPostgres ? await watch.snapshot() : undefined;
        const before = { cpu: parts.snapshot(), at: performance.now() };
        const r = await closedLoop(stack.clients, tap, verifyIqMaker(signed, domain), { ...LOOP, ...(verify ? { accept: isPass } : {}) });
        if (r.errors > 0) throw new Error(`${side}: ${r.errors} of ${r.answered} answers were not a pass, the first: ${firstRejected}`);
        const loaded = { cpu: parts.snapshot(), wall: (performance.now() - before.at) / 1000 };
        const backlogS = await settle(parts.busy);
        const quiet = parts.snapshot();
        const s = (seen[side] ??= { perS: [], drainedPerS: [], cores: [], ms: [], backlogMs: [], pg: [], backlogS: [] });
        s.perS.push(r.perS);
        s.drainedPerS.push(r.sent / (loaded.wall + backlogS));
        s.backlogS.push(backlogS);
        // While the load ran: cores busy and CPU per IQ; after it, until quiet: the backlog's CPU per IQ of the side.
        s.cores.push(delta(before.cpu, loaded.cpu, loaded.wall));
        s.ms.push(delta(before.cpu, loaded.cpu, r.sent / 1000));
        s.backlogMs.push(delta(loaded.cpu, quiet, r.sent / 1000));
        if (pgBefore) s.pg.push(perVerification(pgBefore, await watch.snapshot(), r.sent));
      }
    }
    step(`cluster: open loop, ${OPEN_RATE}/s for ${OPEN_MS} ms per instance count`);
    const latency: Record<string, { p50: number; p99: number; lost: number }> = {};
    for (const [side, domain] of [...COUNTS.map((n) => [`pg_${n}`, pgDomain(n)]), ["sqlite_1", SQLITE_DOMAIN]] as const) {
      const open = await openLoop(stack.clients, tap, verifyIqMaker(signed, domain), { ratePerS: OPEN_RATE, durationMs: OPEN_MS, accept: isPass });
      if (open.errors > 0) throw new Error(`${side} open loop: ${open.errors} answers were not a pass, the first: ${firstRejected}`);
      latency[side] = { p50: open.p50, p99: open.p99, lost: open.lost };
      await settle(parts.busy);
    }
    await watch.close();
    return clusterSummary(seen, latency, { setupS, totalS: (performance.now() - started) / 1000 });
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each part's CPU seconds between two snapshots, divided by `per` (wall seconds, or thousands of IQs for ms per IQ). */
function delta(before: PartSeconds, after: PartSeconds, per: number): PartSeconds {
  const out: PartSeconds = {};
  for (const part of Object.keys(after) as (keyof PartSeconds)[]) out[part] = ((after[part] ?? 0) - (before[part] ?? 0)) / per;
  return out;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;
