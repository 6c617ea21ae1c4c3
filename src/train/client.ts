import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { WordmillError } from '../errors.js';
import { CREDIT_WINDOW, packBatch, type PredictJob, type FitJob, type LrFindJob, type ToChild, type ToParent } from './protocol.js';
import type { Batch, ClsBatch, LMBatch } from '../types.js';
import type { GenerateOptions } from './types.js';
import type { BatchSource, EpochMetrics } from './types.js';

const ENTRY = fileURLToPath(new URL('../../workers/trainer.js', import.meta.url));

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onStep?: (s: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (m: EpochMetrics) => void;
}

export interface Sources {
  /** The batch kind the job's task is fed (task.ts); every batch is checked and tagged with it. */
  kind: Batch['kind'];
  train: (epoch: number, startBatch: number) => BatchSource;
  valid?: () => BatchSource;
}

type AnyIter = Iterator<LMBatch | ClsBatch> | AsyncIterator<LMBatch | ClsBatch>;
interface Outbound { it: AnyIter; credit: number; sent: number; consumed: number; pumping: boolean; done: boolean }

/** Ends the caller's iterator early (its finally blocks run); an error there is not ours to raise. */
function release(s: Outbound): void {
  s.done = true;
  Promise.resolve(s.it.return?.()).catch(() => {});
}

/**
 * The parent's side of the trainer process: forks it, answers its batch requests from the caller's
 * iterables (only against credit), and turns its death into a rejected promise within a second.
 */
export class TrainerProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, Outbound>();
  private nextId = 1;
  private sources: Sources | undefined;
  private sourceError: Error | undefined;
  private exited: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  maxInFlight = 0;
  readonly window = CREDIT_WINDOW;
  backend = '';
  device = '';
  readonly ready: Promise<void>;

  constructor(backend: string, threads: number | 'auto', private readonly log: (line: string) => void, signal?: AbortSignal, replicas: number | 'auto' = 1) {
    this.child = fork(ENTRY, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, WORDMILL_BACKEND: backend, WORDMILL_THREADS: String(threads), WORDMILL_REPLICAS: String(replicas) },
    });
    for (const s of [this.child.stdout, this.child.stderr]) {
      if (s) createInterface({ input: s }).on('line', (l) => this.log(l));
    }
    this.ready = new Promise<void>((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.child.on('message', (m: ToParent) => this.onMessage(m));
    this.child.on('exit', (code, sig) => {
      this.exited = new WordmillError(signal?.aborted ? 'WM_ERR_ABORTED' : 'WM_ERR_TRAIN', signal?.aborted
        ? 'training was aborted'
        : `trainer process died (${sig ? `signal ${sig}` : `exit code ${code}`}${sig === 'SIGKILL' ? ', possibly out of memory' : ''})`);
      this.failAll(this.exited);
    });
    this.child.on('error', (e) => this.failAll(new WordmillError('WM_ERR_TRAIN', `trainer process failed: ${e.message}`, {}, { cause: e })));
    if (signal) {
      const abort = () => { this.child.kill('SIGKILL'); };
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      this.child.once('exit', () => signal.removeEventListener('abort', abort));
    }
  }

  get pid(): number | undefined { return this.child.pid; }

  /** Runs one job at a time; `sources` answer the trainer's batch requests for this job. */
  run<T>(type: 'fit' | 'lrfind' | 'generate' | 'predict', job: FitJob | LrFindJob | GenerateOptions | PredictJob, sources?: Sources,
    events: Pick<Pending, 'onStep' | 'onEpoch'> = {}): Promise<T> {
    const next = this.queue.then(() => new Promise<T>((resolve, reject) => {
      if (this.exited) { reject(this.exited); return; }
      const id = this.nextId++;
      this.sources = sources;
      this.sourceError = undefined;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...events });
      this.setRef(true);
      this.child.send({ type, id, job } as ToChild);
    }));
    this.queue = next.catch(() => {});
    return next;
  }

  private onMessage(m: ToParent): void {
    switch (m.type) {
      case 'ready':
        this.backend = m.backend;
        this.device = m.device;
        this.settle(0, undefined);
        this.setRef(false);
        return;
      case 'log': this.log(m.line); return;
      case 'open': this.open(m.sid, m.stream, m.epoch, m.startBatch); return;
      case 'credit': {
        const s = this.streams.get(m.sid);
        if (!s) return;
        s.credit += m.n;
        s.consumed = m.consumed;
        void this.pump(m.sid, s);
        return;
      }
      case 'close': {
        const s = this.streams.get(m.sid);
        this.streams.delete(m.sid);
        if (s && !s.done) release(s);
        return;
      }
      case 'step': this.pending.get(m.id)?.onStep?.({ epoch: m.epoch, batch: m.batch, batches: m.batches, loss: m.loss }); return;
      case 'epoch': this.pending.get(m.id)?.onEpoch?.(m.metrics); return;
      case 'done': this.settle(m.id, m.result); return;
      case 'error': {
        const e = this.sourceError ?? WordmillError.fromJSON(m.error, 'WM_ERR_TRAIN');
        this.settle(m.id, undefined, e);
        return;
      }
    }
  }

  private open(sid: number, stream: 'train' | 'valid', epoch: number, startBatch: number): void {
    try {
      const src = stream === 'train' ? this.sources?.train(epoch, startBatch) : this.sources?.valid?.();
      if (!src) throw new WordmillError('WM_ERR_TRAIN', `no ${stream} batches were given`);
      const it = Symbol.asyncIterator in src
        ? (src as AsyncIterable<LMBatch | ClsBatch>)[Symbol.asyncIterator]()
        : (src as Iterable<LMBatch | ClsBatch>)[Symbol.iterator]();
      this.streams.set(sid, { it, credit: 0, sent: 0, consumed: 0, pumping: false, done: false });
    } catch (e) {
      this.failStream(sid, e);
    }
  }

  private async pump(sid: number, s: Outbound): Promise<void> {
    if (s.pumping) return;
    s.pumping = true;
    try {
      while (s.credit > 0 && !s.done && this.streams.has(sid)) {
        const r = await s.it.next();
        if (r.done) {
          s.done = true;
          this.child.send({ type: 'end', sid } satisfies ToChild);
          break;
        }
        const batch = packBatch(this.sources?.kind ?? 'lm', r.value, s.sent);
        s.credit--;
        s.sent++;
        this.maxInFlight = Math.max(this.maxInFlight, s.sent - s.consumed);
        if (this.child.connected) this.child.send({ type: 'batch', sid, batch } satisfies ToChild);
      }
    } catch (e) {
      s.done = true;
      this.failStream(sid, e);
    } finally {
      s.pumping = false;
    }
  }

  private failStream(sid: number, e: unknown): void {
    this.sourceError = e instanceof Error ? e : new Error(String(e));
    const error = WordmillError.from(e, 'WM_ERR_TRAIN', 'reading batches failed').toJSON();
    if (this.child.connected) this.child.send({ type: 'fail', sid, error } satisfies ToChild);
  }

  private settle(id: number, value: unknown, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    // A job that failed mid-epoch never closes its streams: release the caller's iterators.
    for (const st of this.streams.values()) if (!st.done) release(st);
    this.streams.clear();
    if (error) p.reject(error); else p.resolve(value);
    if (this.pending.size === 0) this.setRef(false);
  }

  private failAll(e: Error): void {
    for (const s of this.streams.values()) if (!s.done) release(s);
    this.streams.clear();
    for (const [id] of this.pending) this.settle(id, undefined, e);
  }

  /** An idle trainer must not keep the parent's event loop alive. */
  private setRef(on: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stdout, this.child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const h of handles) { if (on) h?.ref?.(); else h?.unref?.(); }
  }

  async close(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}
