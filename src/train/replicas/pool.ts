import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { ModelConfig } from '../config.js';
import type { Params } from '../params.js';
import type { FromReplica, ModelLayout, Rows, ToReplica } from './protocol.js';
import { valuesOf } from '../kernel-util.js';

const ENTRY = fileURLToPath(new URL('../../../workers/replica.js', import.meta.url));

export type PartRequest = Omit<Extract<ToReplica, { type: 'part' }>, 'type' | 'id' | 'key' | 'version' | 'grads'>;
/** A part's loss, new state rows, and gradients by parameter name (views of the pool's buffers, valid until the next step). */
export interface PartResult { loss: number; state: Rows[][]; grads: Record<string, Float32Array> }

interface Pending { resolve(r: PartResult): void; reject(e: Error): void; grads: Float32Array }

/**
 * Data-parallel replicas of the trainer's model: the calling thread is replica 0, and each other
 * one is a worker thread with a single-threaded wasm backend. A step writes the weights once into
 * shared memory and sends part k of the batch to replica k mod size; the caller runs its own parts
 * meanwhile, then sums every part's gradients in part order and updates the weights, so workers
 * never hold optimizer state. Measured against tfjs's threaded binary in BENCHMARKS.md
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
    const sent = parts.flatMap((part, k) => (part && !this.local(k) ? [new Promise<[number, PartResult]>((resolve, reject) => {
      const id = this.nextId++;
      const grads = (this.gradBufs[k] ??= new SharedArrayBuffer(this.layout!.weights.byteLength));
      this.pending.set(id, { resolve: (r) => resolve([k, r]), reject, grads: new Float32Array(grads) });
      this.workers[(k % this.size) - 1].postMessage({ type: 'part', id, key, version, ...part, grads } satisfies ToReplica);
    })] : []));
    return new Map(await Promise.all(sent));
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
    else {
      const l = this.layout!;
      const grads: Record<string, Float32Array> = {};
      for (const n of m.names) {
        const i = l.index.get(n)!;
        grads[n] = w.grads.subarray(l.offsets[i], l.offsets[i] + l.shapes[i].reduce((a, b) => a * b, 1));
      }
      w.resolve({ loss: m.loss, grads, state: m.state });
    }
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

/** tf tensors for a part's gradients, shaped as the parameters they belong to. */
export function gradTensors(p: Params, grads: Record<string, Float32Array>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, a] of Object.entries(grads)) out[k] = tf.tensor(a, p.get(k)!.shape);
  return out;
}
