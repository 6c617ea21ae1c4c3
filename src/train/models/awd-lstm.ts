import type { ModelDef } from './types.js';
import { recurrentDef, resolveStack, type RecurrentConfig } from './recurrent.js';

/** fastai's awd_lstm_lm_config: output/hidden/input/embedding/weight dropouts, scaled by dropMult. */
export const AWD_DROPS = { outputP: 0.1, hiddenP: 0.15, inputP: 0.25, embedP: 0.02, weightP: 0.2 } as const;
/** fastai's awd_lstm_clas_config, for the encoder under a classifier (its outputP feeds the head's first dropout). */
export const AWD_CLAS_DROPS = { outputP: 0.4, hiddenP: 0.3, inputP: 0.4, embedP: 0.05, weightP: 0.5 } as const;

/**
 * AWD-LSTM (Merity et al. 2017, fastai's AWD_LSTM): an LSTM stack whose last layer outputs `emb`,
 * with embedding dropout, locked (variational) dropout on inputs, between layers and on the output,
 * DropConnect on the recurrent weights, AR/TAR, and uniform(±0.1) embedding init.
 */
export const awdLstm: ModelDef<RecurrentConfig> = recurrentDef((spec, vocab, purpose) => {
  const m = spec.dropMult ?? 1;
  const d = purpose === 'encoder' ? AWD_CLAS_DROPS : AWD_DROPS;
  return {
    arch: 'awd-lstm', cell: 'lstm', ...resolveStack(spec, vocab, true), locked: true, init: 'awd',
    outputP: d.outputP * m, hiddenP: d.hiddenP * m, inputP: d.inputP * m, embedP: d.embedP * m, weightP: d.weightP * m,
  };
});
