import os from 'node:os';
import { validateOptions, z } from '../../../schema/index.js';
import { trainThreads } from '../options.js';
import { PIECE, specFields, type Piece, type SentencePieceModel } from '../model-file.js';
import { countWords, IDENTITY } from './sentences.js';
import { trainUnigram } from './unigram.js';
import { trainBpe } from './bpe.js';

export interface TrainOptions {
  type: 'unigram' | 'bpe';
  vocabSize: number;
  characterCoverage: number;
  /** User-defined symbols (fastai's special tokens, `▁`-prefixed), ids 0… before the unknown piece. */
  userDefined: string[];
  unkId: number;
  /** Recorded in the model's TrainerSpec (the cap the caller sampled with). */
  inputSentenceSize?: number;
  maxPieceLength?: number;
  seedSize?: number;
  shrinkingFactor?: number;
  subIterations?: number;
  maxSentenceLength?: number;
  /** Threads for the unigram trainer's passes over the words (default: every core); the model does not depend on it. */
  threads?: number;
  /** The unigram trainer's worker module (tests substitute a faulty one). */
  workerFile?: string | URL;
  /** Characters of words per chunk, the unit of summation (team.ts; tests make more chunks of a small corpus). */
  chunkChars?: number;
  log?: (line: string) => void;
}

// The options a caller may get wrong at run time; the rest come from validated specs or the bench.
const TRAIN_SCHEMA = z.object({ threads: trainThreads.optional(), chunkChars: z.int().min(1).optional() });

export const UNK_PIECE = '<unk>';

/**
 * Trains a SentencePiece model on `lines` (one sentence each, as sentencepiece reads its input
 * file) the way `spm_train --model_type=… --normalization_rule_name=identity
 * --hard_vocab_limit=false` does: meta pieces first (the unknown piece at `unkId`, user-defined
 * symbols in the lowest free ids), then the trained pieces best first.
 */
export async function trainSubword(lines: Iterable<string>, o: TrainOptions): Promise<SentencePieceModel> {
  const threads = validateOptions('subword training', TRAIN_SCHEMA, { threads: o.threads, chunkChars: o.chunkChars }).threads ?? os.availableParallelism();
  const maxPieceLength = o.maxPieceLength ?? 16;
  const meta = new Map<number, Piece>([[o.unkId, { piece: UNK_PIECE, score: 0, type: PIECE.UNKNOWN }]]);
  let free = 0;
  for (const u of o.userDefined) {
    while (meta.has(free)) free++;
    meta.set(free, { piece: u, score: 0, type: PIECE.USER_DEFINED });
  }
  const wc = countWords(lines, { maxSentenceLength: o.maxSentenceLength ?? 4192, characterCoverage: o.characterCoverage, meta: [...meta.values()].map((p) => p.piece) });
  if (wc.words.length === 0) throw new Error('no training text: every sentence was empty');
  const wanted = o.vocabSize - meta.size;
  if (wc.required.length > wanted) throw new Error(`vocabulary size ${o.vocabSize} is smaller than the ${wc.required.length} required characters plus ${meta.size} meta pieces: raise vocabSz or lower charCoverage`);
  const trained = o.type === 'unigram'
    ? await trainUnigram(wc, { pieces: wanted, vocabSize: o.vocabSize, maxPieceLength, seedSize: o.seedSize ?? 1_000_000, shrinkingFactor: o.shrinkingFactor ?? 0.75, subIterations: o.subIterations ?? 2, threads, workerFile: o.workerFile, chunkChars: o.chunkChars, log: o.log })
    : trainBpe(wc, { pieces: wanted, maxPieceLength, log: o.log });
  const pieces: Piece[] = [];
  let next = 0;
  const total = meta.size + trained.length;
  for (let id = 0; id < total; id++) {
    const m = meta.get(id);
    if (m) pieces.push(m);
    else {
      const [piece, score] = trained[next++];
      pieces.push({ piece, score, type: PIECE.NORMAL });
    }
  }
  return {
    pieces,
    trainer: { modelType: o.type, vocabSize: o.vocabSize, treatWhitespaceAsSuffix: false, byteFallback: false, unkSurface: ' \u2047 ' },
    normalizer: IDENTITY,
    fields: specFields({
      modelType: o.type, vocabSize: o.vocabSize, characterCoverage: o.characterCoverage, inputSentenceSize: o.inputSentenceSize ?? 0,
      seedSentencepieceSize: o.seedSize ?? 1_000_000, shrinkingFactor: o.shrinkingFactor ?? 0.75, numSubIterations: o.subIterations ?? 2,
      maxSentencepieceLength: maxPieceLength, userDefinedSymbols: o.userDefined, hardVocabLimit: false, unkId: o.unkId,
    }),
  };
}
