import type { Piscina } from 'piscina';

/**
 * Resolves once every thread of `pool` has finished loading its module (piscina's worker posts its
 * first message, READY or a load error, only then) or has exited, or after `limitMs`.
 *
 * Why: terminating a worker thread while it is still importing its module aborts Node 20 itself
 * (V8's CreateRequiredModuleFacade assertion, exit by signal instead of wordmill's status). The
 * full-disk tokenize test once aborted so (its first chunk fails while the second thread may still
 * be loading; not reproduced since, in 120 runs), so the pool waits for this before `destroy()`. Call it right after constructing the pool, before the event loop turns,
 * so no first message is missed.
 */
export function threadsStarted(pool: Piscina, limitMs = 15_000): () => Promise<void> {
  const loaded = Promise.all(pool.threads.map((w) => new Promise<void>((resolve) => {
    const done = () => {
      w.off('message', done);
      w.off('exit', done);
      resolve();
    };
    w.on('message', done);
    w.on('exit', done);
  })));
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    // Not unref'd: piscina unrefs its threads, so an awaited promise alone would let the process end
    // (and Node tear the loading threads down) before they are ready.
    const limit = new Promise<void>((resolve) => { timer = setTimeout(resolve, limitMs); });
    await Promise.race([loaded, limit]);
    clearTimeout(timer);
  };
}
