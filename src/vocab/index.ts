export { TokenCounter } from './counter.js';
export { buildVocab, type BuildVocabOptions, type CountSource } from './build.js';
export { Vocab, MAX_UINT16_VOCAB } from './vocab.js';
export { loadVocabFile, parseVocab } from './file.js';
export { remapEmbedding } from './remap.js';
export { FASTAI_SPECIALS, TORCHTEXT_SPECIALS, FAKE_TOKEN, resolveSpecials, type SpecialsSpec } from './specials.js';
export { resolveVocab } from './resolve.js';
export { vocabSchema, type VocabSpec, type VocabOptions } from './options.js';
