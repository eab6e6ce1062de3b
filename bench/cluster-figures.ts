/**
 * The cluster bench's figures (issue 14) and its rows in the bench table:
 * verify IQ/s per instance count beside the echo with as many connections,
 * three instances against one, PostgreSQL against SQLite for one instance;
 * then where the CPU went on each side and what PostgreSQL did per
 * verification.
 */
import { median } from "./rounds.js";
import { renderTable, type Row } from "./table.js";
import { machine } from "./machine.js";
import { CLUSTER_PARTS, type PartSeconds } from "./cluster-cpu.js";
import { STATEMENT_KINDS } from "./cluster-pg.js";

export interface SideRounds {
  perS: number[];
  /** Everything the side sent over the time until quiet: the rate its bookkeeping kept up with. */
  drainedPerS: number[];
  /** Cores each part kept busy while the load ran. */
  cores: PartSeconds[];
  /** CPU ms per IQ for each part while the load ran. */
  ms: PartSeconds[];
  /** CPU ms per IQ for each part after the load, until quiet (the deferred writes it left behind). */
  backlogMs: PartSeconds[];
  /** On PostgreSQL: statements by kind and the server's work per verification (cluster-pg.ts). */
  pg: Record<string, number>[];
  /** Seconds from the end of the load until the instances and PostgreSQL were quiet. */
  backlogS: number[];
}

export type ClusterFigures = Record<string, number | Record<string, Record<string, number>>>;

function medianOf<T extends object>(rounds: T[]): Record<string, number> {
  const keys = [...new Set(rounds.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(keys.map((k) => [k, Number(median(rounds.map((r) => (r as Record<string, number>)[k] ?? 0)).toFixed(3))]));
}

export function clusterSummary(
  seen: Record<string, SideRounds>,
  latency: Record<string, { p50: number; p99: number }>,
  time: { setupS: number; totalS: number },
): ClusterFigures {
  const f: ClusterFigures = {};
  const rate = (side: string) => median(seen[side]!.perS);
  for (const side of Object.keys(seen).filter((s) => s.startsWith("pg_"))) {
    const n = side.slice(3);
    f[`verify_pg_${n}_per_s`] = rate(side);
    f[`echo_cluster_${n}_per_s`] = rate(`echo_${n}`);
    f[`verify_vs_echo_pg_${n}`] = rate(side) / rate(`echo_${n}`);
  }
  f.verify_sqlite_1_per_s = rate("sqlite_1");
  for (const side of Object.keys(seen).filter((s) => !s.startsWith("echo"))) f[`verify_${side}_drained_per_s`] = median(seen[side]!.drainedPerS);
  f.verify_pg_vs_sqlite_1 = rate("pg_1") / rate("sqlite_1");
  f.verify_pg_3_vs_1 = rate("pg_3") / rate("pg_1");
  f.echo_cluster_3_vs_1 = rate("echo_3") / rate("echo_1");
  for (const [side, l] of Object.entries(latency)) {
    f[`verify_${side}_p50_ms`] = l.p50;
    f[`verify_${side}_p99_ms`] = l.p99;
  }
  const per = <T extends object>(pick: (s: SideRounds) => T[]) =>
    Object.fromEntries(Object.entries(seen).filter(([, s]) => pick(s).length > 0).map(([side, s]) => [side, medianOf(pick(s))]));
  f.cluster_cpu_cores = per((s) => s.cores);
  f.cluster_cpu_ms = per((s) => s.ms);
  f.cluster_backlog_cpu_ms = per((s) => s.backlogMs);
  f.cluster_pg_per_verification = per((s) => s.pg);
  f.cluster_backlog_s = Object.fromEntries(Object.entries(seen).map(([side, s]) => [side, { median: median(s.backlogS), max: Math.max(...s.backlogS) }]));
  f.cluster_setup_s = time.setupS;
  f.cluster_total_s = time.totalS;
  return f;
}

export function clusterRows(figures: ClusterFigures): Row[] {
  const f = figures as Record<string, number>;
  const counts = Object.keys(f).flatMap((k) => k.match(/^verify_pg_(\d+)_per_s$/)?.[1] ?? []);
  return [
    ...counts.map((n) => ({
      figure: `verify_pg_${n}_per_s`,
      value: f[`verify_pg_${n}_per_s`]!,
      baseline: { name: `echo x${n}`, value: f[`echo_cluster_${n}_per_s`]! },
      ratio: f[`verify_vs_echo_pg_${n}`],
    })),
    { figure: "verify_pg_3_per_s", value: f.verify_pg_3_per_s!, baseline: { name: "pg x1", value: f.verify_pg_1_per_s! }, ratio: f.verify_pg_3_vs_1 },
    { figure: "verify_pg_1_per_s", value: f.verify_pg_1_per_s!, baseline: { name: "sqlite x1", value: f.verify_sqlite_1_per_s! }, ratio: f.verify_pg_vs_sqlite_1 },
    ...[...counts.map((n) => `pg_${n}`), "sqlite_1"].map((side) => ({
      figure: `verify_${side}_p99_ms`,
      value: f[`verify_${side}_p99_ms`]!,
      baseline: { name: "p50", value: f[`verify_${side}_p50_ms`]! },
    })),
  ];
}

/**
 * Per side: the cores each part kept busy while the load ran (machine: all
 * busy time, other jobs' included), then CPU ms per IQ by part, while the
 * load ran + after it until quiet, the seconds until quiet, and
 * PostgreSQL's work per verification.
 */
export function clusterCpuTable(figures: ClusterFigures): string {
  const table = (key: string) => figures[key] as Record<string, Record<string, number>>;
  const [cores, ms, after, backlog, pg] = ["cluster_cpu_cores", "cluster_cpu_ms", "cluster_backlog_cpu_ms", "cluster_backlog_s", "cluster_pg_per_verification"].map(table);
  if (!cores || !ms || !after || !backlog || !pg) return "";
  const sides = Object.keys(ms).sort();
  const n = (x: number | undefined, digits: number) => (x ?? 0).toFixed(digits);
  const head = (cols: string[]) => [`| side | ${cols.join(" | ")} |`, `| --- | ${cols.map(() => "---").join(" | ")} |`];
  const partsSum = (side: string) => CLUSTER_PARTS.reduce((sum, p) => sum + (cores[side]![p] ?? 0), 0);
  return [
    "Cores busy while the load ran (machine: all busy time; other: machine minus the parts, i.e. other jobs):",
    "",
    ...head([...CLUSTER_PARTS, "machine", "other"]),
    ...sides.map((s) => `| ${s} | ${CLUSTER_PARTS.map((p) => n(cores[s]![p], 2)).join(" | ")} | ${n(cores[s]!.machine, 2)} | ${n(cores[s]!.machine! - partsSum(s), 2)} |`),
    "",
    "CPU ms per IQ, while the load ran + after it until quiet (the deferred writes it left):",
    "",
    ...head([...CLUSTER_PARTS, "until quiet, s", "drained/s"]),
    ...sides.map((s) => {
      const drained = figures[`verify_${s}_drained_per_s`] as number | undefined;
      return `| ${s} | ${CLUSTER_PARTS.map((p) => `${n(ms[s]![p], 3)} + ${n(after[s]![p], 3)}`).join(" | ")} | ${n(backlog[s]!.median, 1)} | ${drained === undefined ? "" : n(drained, 0)} |`;
    }),
    "",
    "PostgreSQL per verification (pg_stat_statements: calls by kind; execution ms; transactions that wrote; WAL bytes):",
    "",
    ...head([...STATEMENT_KINDS, "all", "exec ms", "write xacts", "WAL bytes"]),
    ...Object.keys(pg).sort().map((s) => {
      const q = pg[s]!;
      return `| ${s} | ${STATEMENT_KINDS.map((k) => n(q[k], 2)).join(" | ")} | ${n(q.statements, 2)} | ${n(q.exec_ms, 3)} | ${n(q.write_xacts, 2)} | ${n(q.wal_bytes, 0)} |`;
    }),
    "",
  ].join("\n");
}

/** `--only cluster`: the same report run.ts prints, for this part alone. */
export function clusterReport(figures: ClusterFigures, loadBefore: number[]): string {
  const m = machine();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  return `Machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; load average ${load(loadBefore)} before, ${load(m.load)} after\n\n${renderTable(clusterRows(figures))}\n\n${clusterCpuTable(figures)}`;
}
