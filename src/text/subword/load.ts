import { readFileSync } from 'node:fs';
import { WordmillError } from '../../errors.js';
import { readModel, type SentencePieceModel } from './model-file.js';
import { ProtoError } from './proto.js';
import { SubwordTokenizer } from './tokenizer.js';

/** Reads a `.model` file; a missing or malformed one is a one-line error naming it. */
export function loadModelFile(path: string): SentencePieceModel {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WordmillError(code === 'ENOENT' ? 'WM_ERR_NOT_FOUND' : 'WM_ERR_INPUT', `cannot read SentencePiece model ${path}: ${(e as Error).message}`, { path });
  }
  try {
    return readModel(buf, path);
  } catch (e) {
    if (e instanceof ProtoError) throw new WordmillError('WM_ERR_INPUT', e.message, { path });
    throw e;
  }
}

const tokenizers = new Map<string, SubwordTokenizer>();

/** One tokenizer per model file and thread (a pool worker keeps it, and its word cache, for its lifetime). */
export function subwordTokenizer(path: string): SubwordTokenizer {
  let t = tokenizers.get(path);
  if (!t) {
    const model = loadModelFile(path);
    try {
      t = new SubwordTokenizer(model);
    } catch (e) {
      throw new WordmillError('WM_ERR_INPUT', `SentencePiece model ${path}: ${(e as Error).message}`, { path });
    }
    tokenizers.set(path, t);
  }
  return t;
}
