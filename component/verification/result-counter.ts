/**
 * Counts verification results by (result, reason) in memory and writes the
 * sums with the next deferred batch (store/deferred-writes.ts): one upsert
 * per distinct pair and batch instead of one per verification. The counters
 * are statistics (the stats command), so they share the deferred writes'
 * loss window on a crash.
 */
import type { DeferredWrites } from "../store/deferred-writes.js";
import type { VerificationResult } from "../../protocol/verification-outcome.js";

export class ResultCounter {
  private readonly counts = new Map<string, { result: VerificationResult; reason: string; n: number }>();

  constructor(private readonly deferred: DeferredWrites) {
    deferred.coalesce(async (tx) => {
      const counts = [...this.counts.values()];
      this.counts.clear();
      if (counts.length) await tx.verification.addCounts(counts);
    });
  }

  add(result: VerificationResult, reason = ""): void {
    const key = `${result} ${reason}`;
    const entry = this.counts.get(key);
    if (entry) entry.n++;
    else this.counts.set(key, { result, reason, n: 1 });
    this.deferred.touch();
  }
}
