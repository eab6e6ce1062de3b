/**
 * The closed-loop IQ figures: `xsmtp run` against two baselines on the same
 * server, in alternating rounds, with the CPU each process spent per
 * request. The baselines are the plain echo (an empty result: the two
 * stanzas of any IQ) and the notifying echo (a pass of the same shape and
 * the owner's `verified` headline, PROTOCOL.md §6: the three stanzas of a
 * passing verification, with no verification work). The server's CPU per
 * request on each side shows what the server itself charges for the
 * protocol's stanzas, apart from XSMTP's code (bench/RESULTS.md).
 */
import { performance } from "node:perf_hooks";
import type { Client } from "@xmpp/client";
import { closedLoop, type MakeRequest, type ReplyTap } from "../devtools/load/iq-load.js";
import { cpuSeconds } from "../devtools/load/cpu-time.js";
import { alternate, median } from "./rounds.js";

export type Side = "verify" | "echo" | "echo_notify";
export interface SideTarget {
  make: MakeRequest;
  /** The component process answering this side. */
  pid: number;
}
/** A figure for each process: the XMPP server, the side's component, the load generator. */
const PROCESSES = ["server", "component", "load"] as const;
type PerProcess = Record<(typeof PROCESSES)[number], number>;
/** µs of CPU per answered request, medians over the rounds. */
export type CpuPerRequest = Record<Side, PerProcess>;

export async function closedLoopSides(
  clients: Client[],
  tap: ReplyTap,
  targets: Record<Side, SideTarget>,
  serverPid: number,
  loop: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<{ perS: Record<Side, number>; cpuUs: CpuPerRequest; shares: Record<Side, PerProcess> }> {
  // CPU seconds per process, over the whole call (warm-up and drain included), and the requests it answered.
  const samples = {} as Record<Side, (PerProcess & { wall: number; answered: number })[]>;
  const run = (side: Side) => async () => {
    const { make, pid } = targets[side];
    const start = { wall: performance.now(), load: process.cpuUsage(), component: cpuSeconds(pid), server: cpuSeconds(serverPid) };
    const r = await closedLoop(clients, tap, make, loop);
    const load = process.cpuUsage(start.load);
    (samples[side] ??= []).push({
      wall: (performance.now() - start.wall) / 1000,
      load: (load.user + load.system) / 1e6,
      component: cpuSeconds(pid) - start.component,
      server: cpuSeconds(serverPid) - start.server,
      answered: r.sent,
    });
    if (r.errors > 0) throw new Error(`${r.errors} ${side} IQs answered with an error`);
    return r.perS;
  };
  const perS = await alternate(3, { verify: run("verify"), echo: run("echo"), echo_notify: run("echo_notify") });
  // Each process's figure over a sample, divided by `by` (requests per µs, or seconds of wall time), median over the rounds.
  const medianPer = (by: (s: (typeof samples)[Side][number]) => number) =>
    Object.fromEntries(
      (Object.keys(samples) as Side[]).map((side) => [
        side,
        Object.fromEntries(PROCESSES.map((p) => [p, median(samples[side].map((s) => s[p] / by(s)))])),
      ]),
    ) as Record<Side, PerProcess>;
  const cpuUs = medianPer((s) => s.answered / 1e6);
  const shares = medianPer((s) => s.wall);
  return { perS, cpuUs, shares };
}

/** Where the CPU went per request on each side, and each process's share of a core. */
export function iqCpuTable(us: CpuPerRequest, shares: Record<Side, Record<string, number>>): string {
  const sides = Object.keys(us) as Side[];
  const cell = (side: Side, part: "server" | "component" | "load") => `${us[side][part].toFixed(0)} (${shares[side]![part]!.toFixed(2)})`;
  const lines = [
    "CPU per answered request in the closed loop, µs (share of a core):",
    "",
    "| side | server | component | load generator |",
    "| --- | --- | --- | --- |",
    ...sides.map((side) => `| ${side} | ${cell(side, "server")} | ${cell(side, "component")} | ${cell(side, "load")} |`),
  ];
  return lines.join("\n") + "\n";
}
