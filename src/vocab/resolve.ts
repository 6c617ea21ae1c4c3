import { buildVocab, type BuildVocabOptions, type CountSource } from './build.js';
import { loadVocabFile } from './file.js';
import type { Vocab } from './vocab.js';

/** A pipeline's `vocab` section: load `file` when given (fine-tuning a pretrained model), else build from the counts. */
export async function resolveVocab(source: CountSource, spec: BuildVocabOptions = {}): Promise<Vocab> {
  if (spec.file !== undefined) return loadVocabFile(spec.file);
  return buildVocab(source, spec);
}
