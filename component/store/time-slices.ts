/**
 * Long batches (a group commit of 256 verifications, a deferred flush of
 * progress items) run in slices of about a millisecond, letting the event
 * loop serve other IQs between them: a batch then delays a ping by a slice,
 * not by the whole batch. The transaction stays open across the pauses;
 * the connection's lock keeps other writers out, and readers are not held.
 */
import { performance } from "node:perf_hooks";

export const SLICE_MS = 1;

/** Call between steps: resolves at once within a slice, after one turn of the event loop past it. */
export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let start = performance.now();
  return () => {
    if (performance.now() - start < sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        start = performance.now();
        resolve();
      }),
    );
  };
}
