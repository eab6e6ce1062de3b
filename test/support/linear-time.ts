/**
 * A check that a parser's time grows linearly with its input (PROTOCOL.md
 * §3.2), usable from any test:
 *
 *   await assertLinear("parseTagList, spaces before '='",
 *     (size) => "v" + " ".repeat(size) + "=1",
 *     (input) => parseTagList(input));
 *
 * makeInput(size) builds an input of about `size` characters or octets, of
 * the shape to test (make it adversarial: long white-space runs, folding,
 * repeated separators); run(input) parses it and may return a promise.
 *
 * The parser is timed on 10 KB, 100 KB and 1 MB inputs. From 10 KB to 1 MB a
 * linear parser takes about 100 times longer and a quadratic one 10,000 times,
 * so the check fails above 1,000 (the geometric middle, leaving a factor of 10
 * for cache and garbage-collector effects either way). The 100 KB step is
 * held to the square root of that, so quadratic code fails there, after
 * seconds rather than the minutes its 1 MB run would take.
 *
 * Robust on a busy machine: the time taken is this process's CPU time
 * (process.cpuUsage, user + system), not wall-clock time. On wall-clock time,
 * other processes made the check flaky in a way best-of-N cannot cure: a
 * 10 KB batch of 3 ms can fit inside one scheduler time slice and keep its
 * unloaded time, while a 1 MB run of 20 to 200 ms is always preempted, so with
 * both cores of a 2-core machine busy the wall-clock ratio of a linear parser
 * went from about 200 to 800 and more. CPU time leaves out the time spent
 * waiting for a core. What load still adds (caches and branch predictors
 * refilled after a preemption) only ever adds time, so each size keeps the
 * best of several repetitions; a run is repeated in a batch until the batch
 * has used a few milliseconds of CPU, so clock resolution (1 µs) does not
 * count; and the 10 KB time is floored (FLOOR_MS), so that a parser measured
 * at a few microseconds is not held to 1,000 times that.
 */
import assert from "node:assert/strict";

export interface LinearOptions {
  smallSize?: number;
  largeSize?: number;
  /** Largest accepted ratio of the large time to the (floored) small time. */
  maxRatio?: number;
  repetitions?: number;
}

/** CPU times in ms. */
export interface LinearMeasurement {
  smallMs: number;
  middleMs: number;
  largeMs: number;
  /** largeMs over the floored smallMs: what is held to maxRatio. */
  ratio: number;
}

/** The smallest per-call CPU time the 10 KB run is credited with, in ms. */
export const FLOOR_MS = 0.05;
/** CPU time a batch of calls must use before it counts. */
const MIN_BATCH_MS = 3;
const MAX_BATCH_CALLS = 100_000;
/**
 * Whole measurements tried before a parser is called superlinear; the retry
 * repeats each size fewer times, so broken code fails within seconds more.
 */
const ATTEMPTS = 2;
const RETRY_REPETITIONS = 2;

export async function assertLinear<T>(
  name: string,
  makeInput: (size: number) => T,
  run: (input: T) => unknown,
  options: LinearOptions = {},
): Promise<LinearMeasurement> {
  const { smallSize = 10_000, largeSize = 1_000_000, maxRatio = 1000, repetitions = 5 } = options;
  const middleSize = Math.round(Math.sqrt(smallSize * largeSize));

  const inputs = { small: makeInput(smallSize), middle: makeInput(middleSize), large: makeInput(largeSize) };
  await callOnce(run, inputs.small); // the first call compiles the parser; it is not timed
  let failure: Error | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const tries = attempt === 1 ? repetitions : Math.min(repetitions, RETRY_REPETITIONS);
      return await measureOnce(name, inputs, run, { smallSize, middleSize, largeSize, maxRatio, repetitions: tries });
    } catch (err) {
      // Load from other processes still costs some CPU time (caches refilled
      // after each preemption), and a garbage collection can land in one
      // short run; neither lasts. Quadratic code fails every attempt alike.
      failure = err as Error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw failure!;
}

interface Sizes {
  smallSize: number;
  middleSize: number;
  largeSize: number;
  maxRatio: number;
  repetitions: number;
}

async function measureOnce<T>(
  name: string,
  inputs: { small: T; middle: T; large: T },
  run: (input: T) => unknown,
  { smallSize, middleSize, largeSize, maxRatio, repetitions }: Sizes,
): Promise<LinearMeasurement> {
  const stepRatio = Math.sqrt(maxRatio);
  const smallMs = await bestPerCallMs(run, inputs.small, repetitions);
  const base = Math.max(smallMs, FLOOR_MS);
  const middleLimit = stepRatio * base;
  const middleMs = await bestPerCallMs(run, inputs.middle, repetitions, middleLimit);
  const describe = (size: number, ms: number, limit: number): string =>
    `${name}: ${format(size)} took ${ms.toFixed(3)} ms of CPU, ${format(smallSize)} took ${smallMs.toFixed(3)} ms ` +
    `(floored to ${base.toFixed(3)}): ratio ${(ms / base).toFixed(0)}, more than the ${limit.toFixed(0)} allowed; ` +
    `the time grows faster than the input`;
  assert.ok(middleMs <= middleLimit, describe(middleSize, middleMs, stepRatio));

  const largeLimit = maxRatio * base;
  const largeMs = await bestPerCallMs(run, inputs.large, repetitions, largeLimit);
  assert.ok(largeMs <= largeLimit, describe(largeSize, largeMs, maxRatio));
  return { smallMs, middleMs, largeMs, ratio: largeMs / base };
}

/**
 * CPU time used by this process so far, in ms: all its threads, so the
 * garbage collector's helper threads count, as they work for the parser too.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The best per-call CPU time over at most `repetitions` batches. Repeating stops
 * as soon as a batch is within `limitMs` (the best can only improve, and the
 * check only asks for a time under the limit), or once a batch is ten times
 * over it: no amount of noise in CPU time explains that (in wall-clock time,
 * one preemption of a 0.2 ms call did), and quadratic code should not keep
 * the test waiting. The 10 KB size has no limit and always repeats.
 */
async function bestPerCallMs<T>(run: (input: T) => unknown, input: T, repetitions: number, limitMs?: number): Promise<number> {
  let calls = 1;
  let best = Infinity;
  for (let r = 0; r < repetitions; r++) {
    let elapsed: number;
    for (;;) {
      const started = cpuMs();
      for (let i = 0; i < calls; i++) {
        const pending = callOnce(run, input);
        if (pending) await pending;
      }
      elapsed = cpuMs() - started;
      if (elapsed >= MIN_BATCH_MS || calls >= MAX_BATCH_CALLS) break;
      calls *= 2;
    }
    best = Math.min(best, elapsed / calls);
    if (limitMs !== undefined && (best <= limitMs || best > 10 * limitMs)) break;
  }
  return best;
}

/** Awaits only a real promise: an await per synchronous call would add a microtask to every 10 KB run. */
function callOnce<T>(run: (input: T) => unknown, input: T): Promise<unknown> | undefined {
  const result = run(input);
  return result instanceof Promise ? result : undefined;
}

function format(size: number): string {
  return size >= 1_000_000 ? `${size / 1_000_000} MB` : `${size / 1000} KB`;
}
