/**
 * A token bucket per key (the verification wiring keys it by the verifier's
 * organizational domain): `perMinute` verifications, refilled
 * continuously, so a burst up to the limit passes and a flood is cut to the
 * rate. The map is bounded: idle full buckets are dropped first.
 */
import type { Clock } from "../clock.js";

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_DOMAINS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Takes one token for `domain`; false when it has none left. */
  take(domain: string): boolean {
    const now = this.clock.now();
    const bucket = this.refill(domain, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private refill(domain: string, now: number): Bucket {
    let bucket = this.buckets.get(domain);
    if (!bucket) {
      if (this.buckets.size >= MAX_DOMAINS) this.evict(now);
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(domain, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (elapsed * this.perMinute) / 60_000);
    bucket.at = now;
    return bucket;
  }

  private evict(now: number): void {
    for (const [domain, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000 >= this.perMinute) this.buckets.delete(domain);
    }
    // Everyone is busy: forget the oldest half rather than grow without bound.
    if (this.buckets.size >= MAX_DOMAINS) {
      let n = 0;
      for (const domain of this.buckets.keys()) if (n++ < MAX_DOMAINS / 2) this.buckets.delete(domain);
    }
  }
}
