import type { ModelSpec } from '../pipeline/spec.js';
import { WordmillError } from '../errors.js';

export type CellKind = 'lstm' | 'gru' | 'rnn';

/** A ModelSpec resolved into everything the forward pass needs. */
export interface ModelConfig {
  cell: CellKind;
  vocab: number;
  emb: number;
  /** Hidden size per layer (AWD-LSTM's last layer is `emb` when tied). */
  hidden: number[];
  tied: boolean;
  /** Dropout on the last layer's output; `locked` shares one mask across time (AWD-LSTM). */
  outputP: number;
  hiddenP: number;
  inputP: number;
  embedP: number;
  weightP: number;
  locked: boolean;
  alpha: number;
  beta: number;
  /** Adaptive softmax cluster starts (empty: full softmax) and the projection divisor. */
  cutoffs: number[];
  divValue: number;
  /** AWD-LSTM initialises the embedding uniform(±0.1) and a zero decoder bias; PyTorch's defaults otherwise. */
  init: 'awd' | 'torch';
}

/** fastai's awd_lstm_lm_config: output/hidden/input/embedding/weight dropouts, scaled by dropMult. */
export const AWD_DROPS = { outputP: 0.1, hiddenP: 0.15, inputP: 0.25, embedP: 0.02, weightP: 0.2 } as const;

/**
 * Trainer options beyond the pipeline's ModelSpec: an adaptive softmax output layer (PyTorch's
 * AdaptiveLogSoftmaxWithLoss: `cutoffs` are the first ids of each tail cluster, `div` 4).
 */
export interface ModelExtras { adaptive?: { cutoffs: number[]; div?: number } }
export type TrainerModelSpec = ModelSpec & ModelExtras;

export function resolveModel(spec: TrainerModelSpec, vocab: number): ModelConfig {
  return { ...resolveCore(spec, vocab), ...resolveAdaptive(spec, vocab) };
}

function resolveAdaptive(spec: TrainerModelSpec, vocab: number): Pick<ModelConfig, 'cutoffs' | 'divValue'> {
  const a = spec.adaptive;
  if (!a || a.cutoffs.length === 0) return { cutoffs: [], divValue: 4 };
  const ok = a.cutoffs.every((c, i) => Number.isInteger(c) && c > (i ? a.cutoffs[i - 1] : 0) && c < vocab);
  if (!ok) {
    throw new WordmillError('WM_ERR_OPTION', `model: adaptive.cutoffs must be increasing integers in (0, ${vocab}) (got ${JSON.stringify(a.cutoffs)})`, { option: 'model.adaptive' });
  }
  if (spec.tied) throw new WordmillError('WM_ERR_OPTION', 'model: an adaptive softmax cannot be tied to the embedding (set tied: false)', { option: 'model.tied' });
  return { cutoffs: [...a.cutoffs], divValue: a.div ?? 4 };
}

function resolveCore(spec: ModelSpec, vocab: number): Omit<ModelConfig, 'cutoffs' | 'divValue'> {
  const layers = spec.layers;
  const fail = (msg: string, option: string): never => {
    throw new WordmillError('WM_ERR_OPTION', `model: ${msg}`, { option });
  };
  if (!Number.isInteger(layers) || layers < 1) fail(`layers must be an integer >= 1 (got ${layers})`, 'model.layers');
  if (!(spec.emb >= 1) || !(spec.hidden >= 1)) fail('emb and hidden must be >= 1', 'model.hidden');
  const alpha = spec.alpha ?? 0;
  const beta = spec.beta ?? 0;
  if (spec.arch === 'awd-lstm') {
    const m = spec.dropMult ?? 1;
    const hidden = Array.from({ length: layers }, (_, i) => (i === layers - 1 && spec.tied ? spec.emb : spec.hidden));
    return {
      cell: 'lstm', vocab, emb: spec.emb, hidden, tied: spec.tied, locked: true, alpha, beta, init: 'awd',
      outputP: AWD_DROPS.outputP * m, hiddenP: AWD_DROPS.hiddenP * m, inputP: AWD_DROPS.inputP * m,
      embedP: AWD_DROPS.embedP * m, weightP: AWD_DROPS.weightP * m,
    };
  }
  if (spec.tied && spec.hidden !== spec.emb) {
    fail(`tied weights need hidden == emb (got hidden ${spec.hidden}, emb ${spec.emb})`, 'model.tied');
  }
  return {
    cell: spec.arch, vocab, emb: spec.emb, hidden: Array(layers).fill(spec.hidden), tied: spec.tied,
    outputP: spec.dropout ?? 0, hiddenP: 0, inputP: 0, embedP: 0, weightP: 0, locked: false, alpha, beta, init: 'torch',
  };
}

export const gateCount = (cell: CellKind): number => (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);

/** Recurrent state tensors per layer: LSTM carries [h, c], GRU and RNN only [h]. */
export const stateCount = (cell: CellKind): number => (cell === 'lstm' ? 2 : 1);
