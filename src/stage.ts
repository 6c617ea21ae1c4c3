/**
 * The stage contract (DESIGN §2): a stage is an async generator function from an async iterable of
 * records to an async iterable of records, given a StageContext. Stages compose with
 * `stream/promises.pipeline`, so the first error wins and every stage is torn down.
 */
export interface Progress {
  /** Start (or restart) a named task; `total` in `unit`s when known. */
  start(task: string, total?: number, unit?: string): void;
  /** Advance the current task by `n` units; `extra` fills named fields of the bar (docs, tokens). */
  tick(task: string, n: number, extra?: Record<string, number | string>): void;
  /** Finish a task, with a one-line summary. */
  done(task: string, summary?: string): void;
  /** A log line that does not disturb the bars. */
  log(line: string): void;
}

export interface StageContext {
  signal: AbortSignal;
  progress: Progress;
}

export type Stage<In, Out> = (source: AsyncIterable<In>, ctx: StageContext) => AsyncIterable<Out>;

/** A Progress that prints nothing: the default for library users and tests. */
export const silentProgress: Progress = {
  start() {},
  tick() {},
  done() {},
  log() {},
};

export function defaultContext(signal: AbortSignal = new AbortController().signal): StageContext {
  return { signal, progress: silentProgress };
}
