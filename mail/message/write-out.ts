/**
 * Writes chunks to a stream, waiting for 'drain' when its buffer is full, so
 * a large body flows through in bounded memory whatever the reader's pace.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

export async function writeAll(output: Writable, chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, end = false): Promise<void> {
  let failure: Error | undefined;
  const onError = (err: Error) => (failure = err);
  output.on("error", onError);
  try {
    for await (const chunk of chunks) {
      if (failure) throw failure;
      if (!output.write(chunk)) await drainOrClose(output);
    }
    if (end) await new Promise<void>((resolve) => output.end(resolve));
    if (failure) throw failure;
  } finally {
    output.off("error", onError);
  }
}

/**
 * The listener that lost the race is removed: left in place, each wait for
 * 'drain' added a 'close' (and an 'error') listener for good, thousands for a
 * large message written to a pipe (MaxListenersExceededWarning).
 */
async function drainOrClose(output: Writable): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([once(output, "drain", { signal: done.signal }), once(output, "close", { signal: done.signal })]);
  } finally {
    done.abort();
  }
}
