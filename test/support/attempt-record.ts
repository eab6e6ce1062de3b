/**
 * Questions about what retrying verifiers recorded (retrying-verifier.ts):
 * the IQs sent in a time window, how they ended, and how long a verifier
 * went without a pass, which is an outage as its user saw it.
 */
import { waitFor } from "../../devtools/servers/wait.js";
import type { Attempt, RetryingVerifier } from "./retrying-verifier.js";

export const attemptsOf = (vs: RetryingVerifier[]): Attempt[] => vs.flatMap((v) => v.requests.flatMap((r) => r.attempts));

/** The IQs sent in [from, to). */
export const sentIn = (vs: RetryingVerifier[], from: number, to = Infinity): Attempt[] =>
  attemptsOf(vs).filter((a) => a.sentAt >= from && a.sentAt < to);

export const passed = (a: Attempt): boolean => a.answers.some((x) => x.result === "pass");

/** How each IQ ended, without repeats: "pass", "temperror service-busy", "timeout", an error condition, or "open". */
export function endings(attempts: Attempt[]): string[] {
  const ending = (a: Attempt) =>
    a.answers.length > 0
      ? a.answers.map((x) => (x.type === "error" ? `error ${x.condition}` : `${x.result} ${x.reason ?? ""}`.trim())).join(", ")
      : a.timedOut ? "timeout" : "open";
  return [...new Set(attempts.map(ending))].sort();
}

/** When `v` first had a pass for an IQ sent at or after `t`. */
export const firstPassAfter = (v: RetryingVerifier, t: number): number =>
  Math.min(...sentIn([v], t).filter(passed).map((a) => a.answers[0]!.at));

/** The longest time `v` went without a pass between `from` and `to`. */
export function longestSilence(v: RetryingVerifier, from: number, to: number): number {
  const times = sentIn([v], from, to).filter(passed).map((a) => a.answers[0]!.at).sort((a, b) => a - b);
  let last = from;
  let longest = 0;
  for (const at of [...times, to]) {
    longest = Math.max(longest, at - last);
    last = at;
  }
  return longest;
}

export const longestOf = (vs: RetryingVerifier[], from: number, to: number): number =>
  Math.max(0, ...vs.map((v) => longestSilence(v, from, to)));

/** "N IQs sent, N timed out, N IQ errors" for [from, to). */
export function attemptFigures(vs: RetryingVerifier[], from: number, to: number): string {
  const sent = sentIn(vs, from, to);
  const errors = sent.filter((a) => a.answers.some((x) => x.type === "error")).length;
  return `${sent.length} IQs sent, ${sent.filter((a) => a.timedOut).length} timed out, ${errors} IQ errors`;
}

/** Until every IQ sent before `t` has its answer or has timed out. */
export function allEnded(vs: RetryingVerifier[], t: number, timeoutMs: number): Promise<void> {
  return waitFor(() => sentIn(vs, 0, t).every((a) => a.timedOut || a.answers.length > 0), {
    timeoutMs,
    describe: () => "IQs still open past their timeout",
  });
}

export const ms = (n: number): string => `${Math.round(n)} ms`;
