/**
 * Which parts of `npm run bench` run: the IQ and core figures ("main"), the
 * mail gateway ("milter", bench/milter-bench.ts) and several instances on
 * PostgreSQL ("cluster", bench/cluster-bench.ts). `--only NAME` runs that
 * part alone; `--skip NAME` (repeatable) leaves one out; by default all run.
 */
export const PARTS = ["main", "milter", "cluster"] as const;
export type Part = (typeof PARTS)[number];

export function selectedParts(argv: string[]): Set<Part> {
  const values = (flag: string) => argv.flatMap((a, i) => (a === flag && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
  const unknown = [...values("--only"), ...values("--skip")].filter((v) => !(PARTS as readonly string[]).includes(v));
  if (unknown.length) throw new Error(`no bench part named ${unknown.join(", ")} (parts: ${PARTS.join(", ")})`);
  const only = values("--only") as Part[];
  const skip = new Set(values("--skip"));
  return new Set((only.length ? only : PARTS).filter((p) => !skip.has(p)));
}
