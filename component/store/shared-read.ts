/**
 * One read shared by every caller waiting at the same moment, but never a
 * read that started before the call: a caller arriving while a read is in
 * flight waits for the next one, which all such callers share. Under load
 * that is one query per round trip for any number of verifications, and
 * each still sees every write committed before it asked.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let waiting: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const current: Promise<T> = read().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return () => {
    if (waiting) return waiting;
    if (!running) return start();
    const next = running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      waiting = undefined;
      return start();
    });
    waiting = next;
    return next;
  };
}
