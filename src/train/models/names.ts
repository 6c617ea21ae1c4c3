import { WordmillError } from '../../errors.js';

/**
 * The names of the registered models (`model.arch`). TensorFlow-free, so spec validation and the
 * CLI can check a name without loading the trainer; models/index.ts maps each to its module and
 * the compiler holds the two lists equal (`satisfies Record<Arch, ModelDef>`).
 */
export const ARCHS = ['lstm', 'gru', 'rnn', 'awd-lstm', 'gpt'] as const;
export type Arch = (typeof ARCHS)[number];

export const isArch = (name: unknown): name is Arch => typeof name === 'string' && (ARCHS as readonly string[]).includes(name);

/** `name` if it is a registered model, else WM_ERR_OPTION naming the known ones. */
export function checkArch(name: unknown, option = 'model.arch'): Arch {
  if (isArch(name)) return name;
  throw new WordmillError('WM_ERR_OPTION', `model: arch ${JSON.stringify(name)} is unknown (known: ${ARCHS.join(', ')})`,
    { option, expected: ARCHS.join(' | '), actual: String(name) });
}
