import { checkArch, type Arch } from './names.js';
import type { BaseConfig, ModelDef } from './types.js';
import { plainRecurrent } from './recurrent.js';
import { awdLstm } from './awd-lstm.js';
import { gpt } from './gpt.js';

/**
 * The model registry: one line per model. A new model is its own module, its name in names.ts and
 * a line here; the trainer, the tasks, checkpoints and encoders reach it only through ModelDef.
 */
const REGISTRY = {
  lstm: plainRecurrent('lstm'),
  gru: plainRecurrent('gru'),
  rnn: plainRecurrent('rnn'),
  'awd-lstm': awdLstm,
  gpt,
} satisfies Record<Arch, ModelDef<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each model has its own config type

/** The model registered as `arch`; an unknown name is refused naming the known ones. */
export function modelDef(arch: unknown): ModelDef<BaseConfig> {
  return REGISTRY[checkArch(arch)] as unknown as ModelDef<BaseConfig>;
}

export const registeredArchs = (): string[] => Object.keys(REGISTRY);
