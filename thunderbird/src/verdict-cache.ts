/**
 * Verdicts per Thunderbird message id, so a message shown again is not
 * asked again (each verification counts in the service's `seen`, §5).
 * Bounded: past MAX_ENTRIES the oldest goes.
 *
 * References: PROTOCOL.md §5 (seen counts).
 */
import type { Verdict } from "./verdict.js";

const MAX_ENTRIES = 5_000;

export class VerdictCache {
  readonly #entries = new Map<number, Verdict>();

  get(messageId: number): Verdict | undefined {
    return this.#entries.get(messageId);
  }

  set(messageId: number, verdict: Verdict): void {
    this.#entries.delete(messageId);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(messageId, verdict);
  }
}
