// Runs a step of a harness test and reports how long it took, so start,
// join and restart times show in every run's output.
import type { TestContext } from "node:test";

/** Runs `action`, reporting its duration (hooks have no t.diagnostic, so they pass none). */
export async function timed<T>(t: TestContext | undefined, label: string, action: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  const result = await action();
  const line = `${label}: ${Math.round(performance.now() - startedAt)} ms`;
  if (t) t.diagnostic(line);
  else console.log(line);
  return result;
}
