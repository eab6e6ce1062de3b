/**
 * A token bucket per key (the verification wiring keys it by the verifier's
 * organizational domain): `perMinute` verifications, refilled
 * continuously, so a burst up to the limit passes and a flood is cut to the
 * rate. The map is bounded: idle full buckets are dropped first.
 *
 * Several instances (PostgreSQL) share one bucket per key in the store, so
 * that N instances do not allow N times the rate. Asking the store for every
 * request would cost a round trip each; instead an instance leases a small
 * share of the bucket (LEASE_SHARE of a minute's worth) and spends it from
 * memory, and a lease left unspent lapses after LEASE_MS. The most the
 * instances together can let through beyond the rate is one lease each.
 */
import type { Clock } from "../clock.js";

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_DOMAINS = 10_000;
/** A lease is this share of the per-minute rate (at least one token). */
export const LEASE_SHARE = 1 / 50;
/** Unspent leased tokens lapse after this long, so they cannot pile up beyond the rate. */
export const LEASE_MS = 2_000;

/** The store's shared buckets: takes up to `want` tokens, answers how many it got. */
export type SharedBuckets = (name: string, want: number, perMinute: number, now: number) => Promise<number>;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens leased from the shared buckets, spent from memory until they lapse. */
  private readonly leases = new Map<string, { tokens: number; until: number; empty: boolean }>();
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
    private readonly shared?: SharedBuckets,
  ) {}

  /** Takes one token for `domain`; false when it has none left. */
  take(domain: string): boolean | Promise<boolean> {
    return this.shared ? this.takeLeased(domain, this.shared) : this.takeLocal(domain);
  }

  private async takeLeased(domain: string, shared: SharedBuckets): Promise<boolean> {
    for (;;) {
      const now = this.clock.now();
      const lease = this.leases.get(domain);
      if (lease && now < lease.until) {
        if (lease.tokens >= 1) {
          lease.tokens -= 1;
          return true;
        }
        // The store said the bucket was empty: it will not refill a token before `until`.
        if (lease.empty) return false;
      }
      // Requests arriving while a lease is being fetched wait for it rather than each fetching one.
      const inFlight = this.fetching.get(domain);
      if (inFlight) {
        await inFlight;
        continue;
      }
      const want = Math.max(1, Math.floor(this.perMinute * LEASE_SHARE));
      const fetch = shared(domain, want, this.perMinute, now)
        .then((got) => {
          if (this.leases.size >= MAX_DOMAINS) this.leases.clear();
          const until = got > 0 ? now + LEASE_MS : now + 60_000 / this.perMinute;
          this.leases.set(domain, { tokens: got, until, empty: got < 1 });
        })
        .finally(() => this.fetching.delete(domain));
      this.fetching.set(domain, fetch);
      await fetch;
    }
  }

  private takeLocal(domain: string): boolean {
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
