/**
 * The model architectures a pipeline may name (`model.arch`), TF-free so that spec validation in the
 * parent never loads TensorFlow.js. The model registry (one module per arch) is keyed by these
 * names; a new model adds its name here and its module there.
 */
export const ARCH_NAMES = ['lstm', 'gru', 'rnn', 'awd-lstm'] as const;
export type ArchName = (typeof ARCH_NAMES)[number];

/**
 * Architectures whose last recurrent layer outputs `emb` when tied (fastai's AWD-LSTM), so tying
 * works with any `hidden`; for the others a tied model needs `hidden == emb`.
 */
export const TIES_ANY_HIDDEN: ReadonlySet<ArchName> = new Set<ArchName>(['awd-lstm']);
