import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { ModelConfig } from '../config.js';
import type { Params } from '../params.js';
import type { FromReplica, ModelLayout, Rows, ToReplica } from './protocol.js';
import { valuesOf } from '../kernel-util.js';
import { rangeOf, sumInto } from './reduce.js';

const ENTRY = fileURLToPath(new URL('../../../workers/replica.js', import.meta.url));

export type PartRequest = Omit<Extract<ToReplica, { type: 'part' }>, 'type' | 'id' | 'key' | 'version' | 'grads'>;
/** A part's loss, the parameters it wrote gradients for, and its new state rows. */
export interface PartResult { loss: number; names: string[]; state: Rows[][] }

type Reply = Extract<FromReplica, { type: 'done' | 'reduced' }>;
interface Pending { resolve(r: Reply): void; reject(e: Error): void }

/**
 * Data-parallel replicas of the trainer's model: the calling thread is replica 0, and each other
 * one is a worker thread with a single-threaded wasm backend. A step writes the weights once into
 * shared memory and sends part k of the batch to replica k mod size; the caller runs its own parts
 * meanwhile and writes their gradients beside the workers'. Then every replica sums a range of
 * all the parts' gradients, in part order (reduce.ts), and the caller updates the weights, so
 * workers never hold optimizer state. Measured against tfjs's threaded binary in BENCHMARKS.md
 * ("Data-parallel replicas").
 */
export class ReplicaPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: WordmillError | undefined;
  private layout: (ModelLayout & { view: Float32Array; index: Map<string, number> }) | undefined;
  /** Gradient buffers, one per part of a step, for the current layout. */
  private gradBufs: SharedArrayBuffer[] = [];
  private version = 0;
  private closed = false;

  private constructor(private readonly workers: Worker[], readonly device: string) {
    workers.forEach((w, i) => {
      w.on('message', (m: FromReplica) => this.onMessage(m));
      w.on('error', (e) => this.fail(new WordmillError('WM_ERR_TRAIN', `trainer replica ${i + 1} failed: ${e.message}`, {}, { cause: e })));
      w.on('exit', (code) => { if (!this.closed) this.fail(new WordmillError('WM_ERR_TRAIN', `trainer replica ${i + 1} exited (code ${code})`)); });
    });
  }

  /** Starts `n` − 1 workers (the caller is the nth replica); resolves once every one has its backend. */
  static async start(n: number): Promise<ReplicaPool> {
    const workers = Array.from({ length: n - 1 }, () => new Worker(ENTRY));
    const off: (() => void)[] = [];
    try {
      const devices = await Promise.all(workers.map((w, i) => new Promise<string>((resolve, reject) => {
        const onMessage = (m: FromReplica) => (m.type === 'ready' ? resolve(m.device) : reject(WordmillError.fromJSON(m.type === 'error' ? m.error : m, 'WM_ERR_BACKEND')));
        const onExit = (code: number) => reject(new WordmillError('WM_ERR_BACKEND', `trainer replica ${i + 1} exited (code ${code}) before its backend was up`));
        w.once('message', onMessage).once('error', reject).once('exit', onExit);
        // Only these: removeAllListeners would also drop the ones Node's Worker keeps for itself.
        off.push(() => { w.off('message', onMessage).off('error', reject).off('exit', onExit); });
      })));
      off.forEach((f) => f());
      return new ReplicaPool(workers, `${n} replicas × ${devices[0] ?? 'cpu'}`);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw WordmillError.from(e, 'WM_ERR_BACKEND', 'trainer replicas');
    }
  }

  /** Replicas, the caller's thread included. */
  get size(): number { return this.workers.length + 1; }

  /** Whether part k is the caller's to run. */
  local(k: number): boolean { return k % this.size === 0; }

  /**
   * Sends every part that is not the caller's (`parts[k]`, k mod size ≠ 0) to its worker, with
   * the weights of `p` as they are now; resolves with their results by part index.
   */
  async dispatch(c: ModelConfig, p: Params, parts: (PartRequest | undefined)[]): Promise<Map<number, PartResult>> {
    if (this.dead) throw this.dead;
    const key = this.publish(c, p);
    const version = ++this.version;
    const sent = parts.flatMap((part, k) => (part && !this.local(k)
      ? [this.ask(k % this.size, { type: 'part', id: 0, key, version, ...part, grads: this.gradBuf(k) }).then((m): [number, PartResult] => {
        if (m.type !== 'done') throw new WordmillError('WM_ERR_WORKER', `trainer replica ${k % this.size} answered a part with ${m.type}`);
        return [k, { loss: m.loss, names: m.names, state: m.state }];
      })]
      : []));
    return new Map(await Promise.all(sent));
  }

  /** Writes part k's gradients, computed on the caller's thread, where a worker would have; the tensors are disposed. */
  write(k: number, grads: Record<string, tf.Tensor>): string[] {
    const l = this.layout!;
    const out = new Float32Array(this.gradBuf(k));
    for (const [n, t] of Object.entries(grads)) { out.set(valuesOf(t), l.offsets[l.index.get(n)!]); t.dispose(); }
    return Object.keys(grads);
  }

  /**
   * The sum of parts 0 … parts − 1's gradients, every replica summing its range of floats (the
   * caller's too); by parameter name, views of part 0's buffer that are valid until the next step.
   */
  async reduce(parts: number, names: readonly string[]): Promise<Record<string, Float32Array>> {
    if (this.dead) throw this.dead;
    const l = this.layout!;
    const grads = Array.from({ length: parts }, (_, k) => this.gradBuf(k));
    const total = l.view.length;
    const theirs = Array.from({ length: this.size - 1 }, (_, w) => this.ask(w + 1, { type: 'reduce', id: 0, grads, ...rangeOf(w + 1, this.size, total) }));
    const mine = rangeOf(0, this.size, total);
    sumInto(grads.map((b) => new Float32Array(b)), mine.from, mine.to);
    await Promise.all(theirs);
    const sum = new Float32Array(grads[0]);
    const out: Record<string, Float32Array> = {};
    for (const n of names) {
      const i = l.index.get(n)!;
      out[n] = sum.subarray(l.offsets[i], l.offsets[i] + l.shapes[i].reduce((a, b) => a * b, 1));
    }
    return out;
  }

  /** Part k's gradient buffer for the current layout. */
  private gradBuf(k: number): SharedArrayBuffer {
    return (this.gradBufs[k] ??= new SharedArrayBuffer(this.layout!.weights.byteLength));
  }

  /** Sends `m` to replica r (≥ 1) under a fresh id; resolves with its reply. */
  private ask(r: number, m: Extract<ToReplica, { type: 'part' | 'reduce' }>): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.workers[r - 1].postMessage({ ...m, id } satisfies ToReplica);
    });
  }

  /** Writes the weights into the shared buffer (a new buffer, and a `model` message, for a new model). */
  private publish(c: ModelConfig, p: Params): string {
    const key = JSON.stringify(c);
    if (this.layout?.key !== key || this.layout.names.length !== p.size) {
      const names = [...p.keys()];
      const shapes = names.map((n) => p.get(n)!.shape);
      const offsets: number[] = [];
      let total = 0;
      for (const s of shapes) { offsets.push(total); total += s.reduce((a, b) => a * b, 1); }
      const weights = new SharedArrayBuffer(4 * total);
      this.layout = { key, config: c, names, shapes, offsets, weights, view: new Float32Array(weights), index: new Map(names.map((n, i) => [n, i])) };
      this.gradBufs = [];
      const { view: _, index: __, ...layout } = this.layout;
      for (const w of this.workers) w.postMessage({ type: 'model', layout } satisfies ToReplica);
    }
    const l = this.layout;
    l.names.forEach((n, i) => l.view.set(valuesOf(p.get(n)!), l.offsets[i]));
    return key;
  }

  private onMessage(m: FromReplica): void {
    if (m.type === 'ready') return;
    const w = this.pending.get(m.id);
    if (!w) return;
    this.pending.delete(m.id);
    if (m.type === 'error') w.reject(WordmillError.fromJSON(m.error, 'WM_ERR_TRAIN'));
    else w.resolve(m);
  }

  private fail(e: WordmillError): void {
    this.dead ??= e;
    for (const w of this.pending.values()) w.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fail(new WordmillError('WM_ERR_TRAIN', 'trainer replicas were closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** tf tensors for summed gradients, shaped as the parameters they belong to. */
export function gradTensors(p: Params, grads: Record<string, Float32Array>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, a] of Object.entries(grads)) out[k] = tf.tensor(a, p.get(k)!.shape);
  return out;
}
