/**
 * Remembers, per domain, which service discovery found (1 hour) or that it
 * found none (5 minutes, so a newly deployed service is soon seen), so that
 * a batch or a gateway asks a domain once rather than once per message.
 * Failures (timeouts, server errors) are not remembered: they are temporary.
 * Bounded: past MAX_ENTRIES the oldest entry goes.
 *
 * References: PROTOCOL.md §4 (cache times).
 */

export const FOUND_TTL_MS = 60 * 60 * 1000;
export const NONE_TTL_MS = 5 * 60 * 1000;
const MAX_ENTRIES = 10_000;

export class ServiceCache {
  readonly #entries = new Map<string, { service: string | null; until: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  /** The cached service, null for a cached "none", undefined when nothing (fresh) is known. */
  get(domain: string): string | null | undefined {
    const entry = this.#entries.get(domain);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.service;
    this.#entries.delete(domain);
    return undefined;
  }

  set(domain: string, service: string | null): void {
    this.#entries.delete(domain);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(domain, { service, until: this.now() + (service === null ? NONE_TTL_MS : FOUND_TTL_MS) });
  }

  /** Forgets a domain, e.g. when its cached service stopped answering. */
  forget(domain: string): void {
    this.#entries.delete(domain);
  }
}
