import { WordmillError } from '../errors.js';
import type { BatchStream, StreamState } from './types.js';

/**
 * The position bookkeeping every stream shares. A subclass plans an epoch (`plan`, cached per epoch:
 * shuffled order, offsets, lengths — all derived from (seed, epoch)) and makes batch `i` of it.
 */
export abstract class EpochStream<B, P> implements BatchStream<B> {
  abstract readonly kind: string;
  protected epoch = 0;
  protected batch = 0;
  private planned: { epoch: number; plan: P } | undefined;

  constructor(protected readonly seed: number) {}

  protected abstract plan(epoch: number): P;
  protected abstract count(plan: P): number;
  protected abstract make(plan: P, i: number): B;

  protected current(): P {
    if (this.planned?.epoch !== this.epoch) this.planned = { epoch: this.epoch, plan: this.plan(this.epoch) };
    return this.planned.plan;
  }

  batchesPerEpoch(): number {
    return this.count(this.current());
  }

  /** A consumer that took exactly the last batch and stopped never ran the generator's epoch advance. */
  private settle(): void {
    if (this.batch > 0 && this.batch >= this.count(this.current())) {
      this.epoch++;
      this.batch = 0;
    }
  }

  *[Symbol.iterator](): Iterator<B> {
    this.settle();
    const plan = this.current();
    const n = this.count(plan);
    while (this.batch < n) {
      const b = this.make(plan, this.batch);
      this.batch++;
      yield b;
    }
    this.epoch++;
    this.batch = 0;
  }

  state(): StreamState {
    this.settle();
    return { kind: this.kind, seed: this.seed, epoch: this.epoch, batch: this.batch };
  }

  resume(state: StreamState): void {
    if (state.kind !== this.kind || state.seed !== this.seed) {
      throw new WordmillError('WM_ERR_OPTION', `cannot resume a ${state.kind} stream (seed ${state.seed}) as a ${this.kind} stream (seed ${this.seed})`, { expected: this.kind, actual: state.kind });
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.batch) || state.batch < 0) {
      throw new WordmillError('WM_ERR_OPTION', `invalid stream position epoch ${state.epoch} batch ${state.batch}`);
    }
    this.epoch = state.epoch;
    this.batch = state.batch;
    const n = this.batchesPerEpoch();
    if (this.batch > n) throw new WordmillError('WM_ERR_OPTION', `cannot resume at batch ${state.batch}: epoch ${state.epoch} has ${n} batches`);
  }
}
