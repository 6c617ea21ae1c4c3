import * as tf from '@tensorflow/tfjs';
import type { BaseConfig } from './models/types.js';
import { modelDef } from './models/index.js';
import { decode, disposeState, Dropout, forward, initState, type State } from './model.js';
import type { Params } from './params.js';

/**
 * Next-token logits for `n` growing rows, for any registered model. A recurrent model reads the
 * prompt once and then one token per step, carrying its state (reordered by `parents` when beam
 * search keeps some rows and drops others); a stateless one (GPT) is re-run over each row's last
 * `window` tokens, as HF's generate does without a key/value cache.
 */
export class Stepper {
  private state: State;
  private started = false;
  private readonly off = new Dropout(false, 0, 0);
  private readonly window: number | undefined;

  constructor(private readonly c: BaseConfig, private readonly params: Params, private readonly n: number) {
    const m = modelDef(c.arch);
    this.window = m.state(c, 1).length === 0 ? m.window?.(c) : undefined;
    this.state = initState(c, n);
  }

  /**
   * Logits [n·V] after each row of `rows` (all of one length). `parents[b]`: the row of the
   * previous step that row b continues (beam search); omitted, row b continues row b.
   */
  async step(rows: number[][], parents?: number[]): Promise<Float32Array> {
    const n = this.n;
    const len = rows[0].length;
    let seq: number;
    let ids: Int32Array;
    if (this.window !== undefined) {
      seq = Math.min(len, this.window);
      ids = new Int32Array(seq * n);
      for (let t = 0; t < seq; t++) for (let b = 0; b < n; b++) ids[t * n + b] = rows[b][len - seq + t];
    } else {
      if (parents && this.started) this.reorder(parents);
      // The first call reads the whole prompt; later calls the one token each row has gained.
      seq = this.started ? 1 : len;
      ids = new Int32Array(seq * n);
      for (let t = 0; t < seq; t++) for (let b = 0; b < n; b++) ids[t * n + b] = rows[b][len - seq + t];
    }
    this.started = true;
    const [logits, next] = tf.tidy(() => {
      const f = forward(this.c, this.params, ids, seq, n, this.state, this.off);
      const last = tf.slice(f.out, [(seq - 1) * n, 0], [n, -1]) as tf.Tensor2D;
      return [decode(this.c, this.params, last), f.state.map((l) => l.map((t) => tf.keep(t)))] as const;
    });
    disposeState(this.state);
    this.state = next;
    // Asynchronous: WebGPU under Node has no synchronous read.
    const data = await logits.data() as Float32Array;
    logits.dispose();
    return data;
  }

  private reorder(parents: number[]): void {
    if (parents.every((p, i) => p === i)) return;
    const idx = tf.tensor1d(parents, 'int32');
    const moved = this.state.map((l) => l.map((t) => tf.gather(t, idx) as tf.Tensor2D));
    idx.dispose();
    disposeState(this.state);
    this.state = moved;
  }

  dispose(): void {
    disposeState(this.state);
  }
}

/** log-softmax of one row of logits, in float64. */
export function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  return out;
}
