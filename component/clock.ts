/**
 * The service's clock, in a module of its own so that the cores can take
 * one without importing the service context (and, through it, XML and the
 * database).
 */
export interface Clock {
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
