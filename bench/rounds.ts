/**
 * Measures a figure and its baseline in alternating rounds and keeps the
 * median of each: on a shared, noisy machine a burst of other work then hits
 * both sides alike instead of skewing one.
 */
import { performance } from "node:perf_hooks";

export const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Calls `op` for about `ms` milliseconds; returns operations per second. */
export function opsPerS(op: (i: number) => void, ms: number): number {
  const start = performance.now();
  let n = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 64; k++) op(n++);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

/**
 * The same for an async `op`: 64 calls at a time, awaited together (the
 * IQ benchmarks' concurrency, and one group commit's worth on SQLite).
 */
export async function asyncOpsPerS(op: (i: number) => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    const batch: Promise<unknown>[] = [];
    for (let k = 0; k < 64; k++) batch.push(op(n++));
    await Promise.all(batch);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

export async function alternate<T extends string>(
  rounds: number,
  sides: Record<T, () => number | Promise<number>>,
): Promise<Record<T, number>> {
  const seen = {} as Record<T, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(sides) as T[]) (seen[name] ??= []).push(await sides[name]());
  }
  const out = {} as Record<T, number>;
  for (const name of Object.keys(seen) as T[]) out[name] = median(seen[name]);
  return out;
}
