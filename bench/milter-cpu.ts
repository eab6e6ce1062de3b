/**
 * Where the CPU goes per message on each side of the milter bench
 * (devtools/load/cpu-shares.ts): Postfix, the gateways, Prosody, OpenDKIM
 * and the load generator, in CPU ms per message, medians over the rounds.
 * On 2 shared cores the sides are CPU-bound, so this table says which part
 * a faster gateway could still win back and which belongs to Postfix.
 */
import { userIds } from "../devtools/servers/process.js";
import { cpuSnapshot, perMessageMs, type Part, type Parts, type Shares } from "../devtools/load/cpu-shares.js";
import { median } from "./rounds.js";

const PARTS: Part[] = ["postfix", "signer", "verifier", "prosody", "opendkim", "load"];

export class CpuBySide {
  readonly #seen: Record<string, Shares[]> = {};

  private constructor(private readonly parts: Parts) {}

  static async start(pids: { signer: number; verifier: number; prosody: number }): Promise<CpuBySide> {
    const [postfix, opendkim] = await Promise.all(["postfix", "opendkim"].map(userIds));
    return new CpuBySide({ ...pids, uids: { postfix: postfix!.uid, opendkim: opendkim!.uid } });
  }

  /** Runs one side's load and records its CPU per message. */
  async measure<T>(side: string, messages: number, load: () => Promise<T>): Promise<T> {
    const before = cpuSnapshot(this.parts);
    const result = await load();
    (this.#seen[side] ??= []).push(perMessageMs(before, cpuSnapshot(this.parts), messages));
    return result;
  }

  /** Figures milter_cpu_<side>_<part>_ms (medians) for the JSON. */
  figures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [side, rounds] of Object.entries(this.#seen)) {
      for (const part of PARTS) out[`milter_cpu_${side}_${part}_ms`] = median(rounds.map((r) => r[part] ?? 0));
    }
    return out;
  }
}

/** The table under the bench's rows: one line per side, one column per part. */
export function cpuTable(figures: Record<string, number | string>): string {
  const sides = [...new Set(Object.keys(figures).flatMap((k) => k.match(/^milter_cpu_(.+)_postfix_ms$/)?.[1] ?? []))];
  if (sides.length === 0) return "";
  const cell = (side: string, part: string) => Number(figures[`milter_cpu_${side}_${part}_ms`] ?? 0).toFixed(2);
  const rows = sides.map((s) => {
    const total = PARTS.reduce((sum, p) => sum + Number(figures[`milter_cpu_${s}_${p}_ms`] ?? 0), 0);
    return `| ${s} | ${PARTS.map((p) => cell(s, p)).join(" | ")} | ${total.toFixed(2)} |`;
  });
  return [`CPU ms per message (median of rounds; throughput sides, until the queue is empty):`, "", `| side | ${PARTS.join(" | ")} | total |`, `| --- | ${PARTS.map(() => "---").join(" | ")} | --- |`, ...rows, ""].join("\n");
}
