/** The bench table: each figure with its baseline, their ratio and the goal it is held to. */
export interface Row {
  figure: string;
  value: number;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: { text: string; met: boolean };
}

const fmt = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "" : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);

export function renderTable(rows: Row[]): string {
  const header = ["figure", "value", "baseline", "ratio", "goal", "met?"];
  const cells = rows.map((r) => [
    r.figure,
    fmt(r.value),
    r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value)}` : "",
    fmt(r.ratio),
    r.goal?.text ?? "",
    r.goal ? (r.goal.met ? "yes" : "NO") : "",
  ]);
  const lines = [header, header.map(() => "---"), ...cells];
  return lines.map((l) => `| ${l.join(" | ")} |`).join("\n");
}
