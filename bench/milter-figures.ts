/**
 * The milter benchmark's figures (JSON keys prefixed milter_) and its rows in
 * the bench table: each rate beside its baseline from the same run.
 * Goals (issue 11): signing >= 0.8x plain Postfix and >= 2x OpenDKIM;
 * verifying >= 0.7x plain Postfix.
 */
import { renderTable, type Row } from "./table.js";
import { machine } from "./machine.js";
import { cpuTable } from "./milter-cpu.js";

type Rates = Record<string, { submit: number; e2e: number }>;
type Latency = Record<"plain" | "sign" | "opendkim" | "verify", { p50: number; p99: number }>;
export type MilterFigures = Record<string, number | string>;

export const percentile = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;

export function summarize(transport: string, rates: Rates, latency: Latency): MilterFigures {
  const f: Record<string, number> = {};
  for (const [side, r] of Object.entries(rates)) {
    f[`milter_${side}_per_s`] = r.submit;
    f[`milter_${side}_e2e_per_s`] = r.e2e;
  }
  const ratio = (a: string, b: string, e2e = "") => f[`milter_${a}${e2e}_per_s`]! / f[`milter_${b}${e2e}_per_s`]!;
  Object.assign(f, {
    milter_sign_vs_plain: ratio("sign", "plain"),
    milter_sign_vs_opendkim: ratio("sign", "opendkim"),
    milter_verify_vs_plain: ratio("verify", "plain_signed"),
    milter_opendkim_vs_plain: ratio("opendkim", "plain"),
    milter_sign_vs_plain_e2e: ratio("sign", "plain", "_e2e"),
    milter_sign_vs_opendkim_e2e: ratio("sign", "opendkim", "_e2e"),
    milter_verify_vs_plain_e2e: ratio("verify", "plain_signed", "_e2e"),
    milter_opendkim_vs_plain_e2e: ratio("opendkim", "plain", "_e2e"),
  });
  for (const [side, l] of Object.entries(latency)) {
    f[`milter_${side}_p50_ms`] = l.p50;
    f[`milter_${side}_p99_ms`] = l.p99;
  }
  for (const side of ["sign", "opendkim", "verify"] as const) f[`milter_${side}_added_p99_ms`] = latency[side].p99 - latency.plain.p99;
  return { milter_transport: transport, ...f };
}

export function milterRows(figures: MilterFigures): Row[] {
  const f = figures as Record<string, number>;
  const rate = (figure: string, side: string, base: string, ratio: string, goal?: number): Row => ({
    figure,
    value: f[`milter_${side}_per_s`]!,
    baseline: { name: base === "plain_signed" ? "plain" : base, value: f[`milter_${base}_per_s`]! },
    ratio: f[ratio],
    ...(goal === undefined ? {} : { goal: { text: `ratio >= ${goal}`, met: f[ratio]! >= goal } }),
  });
  const added = (side: string): Row => ({
    figure: `milter_${side}_added_p99_ms`,
    value: f[`milter_${side}_added_p99_ms`]!,
    baseline: { name: "plain p99", value: f.milter_plain_p99_ms! },
  });
  return [
    rate("milter_sign_per_s", "sign", "plain", "milter_sign_vs_plain", 0.8),
    rate("milter_sign_per_s", "sign", "opendkim", "milter_sign_vs_opendkim", 2.0),
    rate("milter_verify_per_s", "verify", "plain_signed", "milter_verify_vs_plain", 0.7),
    rate("milter_opendkim_per_s", "opendkim", "plain", "milter_opendkim_vs_plain"),
    added("sign"),
    added("opendkim"),
    added("verify"),
  ];
}

/** `--only milter`: the same report run.ts prints, for this part alone. */
export function milterReport(figures: MilterFigures): string {
  const m = machine();
  return `Machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; milters on ${figures.milter_transport === "unix" ? "unix sockets" : "loopback TCP"}\n\n${renderTable(milterRows(figures))}\n\n${cpuTable(figures)}`;
}
