/**
 * Who uses the CPU, and what PostgreSQL does, while one side of the cluster
 * bench runs: ejabberd (both nodes' Erlang VMs, by the pids in their pid
 * files), PostgreSQL (the postmaster and its backends, by parentage: other
 * jobs' servers run as the same user), the xsmtp instances, the echo
 * components and the load generator (this process); and the machine's busy
 * time as a whole (/proc/stat), whose rest is other work.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuSnapshotBy, type Proc } from "../devtools/load/cpu-shares.js";
import type { ClusterStack } from "../devtools/load/cluster-stack.js";

export const CLUSTER_PARTS = ["ejabberd", "postgres", "xsmtp", "echo", "load"] as const;
export type ClusterPart = (typeof CLUSTER_PARTS)[number];
export type PartSeconds = Partial<Record<ClusterPart | "machine", number>>;

const firstNumber = (file: string) => Number(readFileSync(file, "utf8").trim().split("\n")[0]);

/** CPU seconds the machine has spent busy, all cores (everything but idle and iowait). */
function machineBusy(): number {
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - f[3]! - f[4]!) / 100;
}

export function clusterParts(stack: ClusterStack): { snapshot(): PartSeconds; busy(): number } {
  const beams = new Set(stack.cluster.nodes.map((node) => node.pid()));
  const postmaster = firstNumber(join(stack.postgres.dataDir, "postmaster.pid"));
  const xsmtp = new Set([...stack.instances.values()].flat().map((p) => p.child.pid!));
  const echo = new Set([...stack.echoes.values()].flat());
  const classify = (p: Proc): { part: ClusterPart; withChildren: boolean } | undefined => {
    if (beams.has(p.pid)) return { part: "ejabberd", withChildren: false };
    // The postmaster reaps backends that exit: their time moves into its children's.
    if (p.pid === postmaster) return { part: "postgres", withChildren: true };
    if (p.ppid === postmaster) return { part: "postgres", withChildren: false };
    if (xsmtp.has(p.pid)) return { part: "xsmtp", withChildren: false };
    if (echo.has(p.pid)) return { part: "echo", withChildren: false };
    if (p.pid === process.pid) return { part: "load", withChildren: false };
    return undefined;
  };
  const snapshot = (): PartSeconds => ({ ...cpuSnapshotBy(classify), machine: machineBusy() });
  // The instances and the database working off what the load left (deferred writes): not quiet yet.
  const busy = () => {
    const s = cpuSnapshotBy(classify);
    return (s.xsmtp ?? 0) + (s.postgres ?? 0);
  };
  return { snapshot, busy };
}

/** Waits until the instances and PostgreSQL use under 10% of a core over 200 ms; resolves with the seconds waited. */
export async function settle(busy: () => number, limitMs = 60_000): Promise<number> {
  const start = performance.now();
  for (let last = busy(); performance.now() - start < limitMs; ) {
    await sleep(200);
    const now = busy();
    if (now - last < 0.02) break;
    last = now;
  }
  return (performance.now() - start) / 1000;
}
