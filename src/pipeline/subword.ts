import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WordmillError } from '../errors.js';
import type { StageContext } from '../stage.js';
import { fingerprint } from '../store/index.js';
import { makeTextCleaner, SPECIAL_TOKENS } from '../text/index.js';
import { loadModelFile } from '../text/subword/load.js';
import { writeModel } from '../text/subword/model-file.js';
import { resolveSubwordSpec } from '../text/subword/options.js';
import { SentenceSample } from '../text/subword/sample.js';
import { trainSubword } from '../text/subword/train/train.js';
import type { PipelineSpec, TextSpec } from './spec.js';

/** Bump when the trainer's output for the same input changes: cached trained models are then retrained. */
export const SUBWORD_TRAINER = 'subword-trainer/1';

export interface SubwordResolution {
  /** The text spec the tokenize pool runs: `subword.model` set. */
  text: TextSpec;
  /** sha256 of the model file: part of the store's fingerprint. */
  modelDigest?: string;
}

/**
 * The dataflow's subword step, between planning and tokenizing: with `text.subword.model` that file
 * is used; otherwise a first pass reads the train split's documents, applies the rules, samples at
 * most `maxSentences` lines (bounded memory) and trains a model, cached under the cache root by the
 * fingerprint of everything it depends on (source digests, members, text options, trainer version),
 * so a second prepare reuses it without reading the corpus. Either way the model file's digest
 * enters the store fingerprint.
 */
export async function resolveSubword(spec: PipelineSpec, digests: string[], root: string, ctx: StageContext, docs: () => AsyncIterable<{ split: string; text: string }>): Promise<SubwordResolution> {
  if (spec.text.tokenizer !== 'subword') return { text: spec.text };
  const sub = resolveSubwordSpec(spec.text.subword);
  if (sub.model !== undefined) {
    loadModelFile(sub.model);
    return { text: spec.text, modelDigest: digest(await readFile(sub.model)) };
  }
  const { threads: _threads, ...output } = sub;
  const key = fingerprint({ source: digests, members: spec.source.kind === 'files' ? spec.source.members : undefined, train: spec.splits.train, text: fingerprintText(spec.text), subword: output, trainer: SUBWORD_TRAINER });
  const dir = join(root, 'subword');
  const path = join(dir, `${key}.model`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
    loadModelFile(path);
    ctx.progress.log(`subword: using the model trained before (${path})`);
  } catch {
    bytes = await train(spec, sub, ctx, docs);
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    ctx.progress.log(`subword: trained ${path}`);
  }
  return { text: { ...spec.text, subword: { ...spec.text.subword, model: path } }, modelDigest: digest(bytes) };
}

async function train(spec: PipelineSpec, sub: ReturnType<typeof resolveSubwordSpec>, ctx: StageContext, docs: () => AsyncIterable<{ split: string; text: string }>): Promise<Uint8Array> {
  const { clean } = makeTextCleaner(spec.text);
  const sample = new SentenceSample(sub.maxSentences, sub.seed, sub.maxVocabSz);
  const started = performance.now();
  ctx.progress.start('subword sample', undefined, 'docs');
  for await (const d of docs()) {
    if (d.split !== spec.splits.train) continue;
    sample.addText(clean(d.text));
    ctx.progress.tick('subword sample', 1);
  }
  ctx.progress.done('subword sample', `${sample.lines.length.toLocaleString('en-US')} of ${sample.seen.toLocaleString('en-US')} lines`);
  if (sample.lines.length === 0) throw new WordmillError('WM_ERR_SPEC', `text.tokenizer "subword": the train split "${spec.splits.train}" has no text to train a model on`);
  const vocabSize = sub.vocabSz ?? sample.fastaiVocabSize();
  const userDefined = SPECIAL_TOKENS.map((t) => `\u2581${t}`);
  let model;
  try {
    model = await trainSubword(sample.lines, {
      type: sub.type, vocabSize, characterCoverage: sub.charCoverage, userDefined, unkId: userDefined.length, threads: sub.threads,
      inputSentenceSize: sub.maxSentences, log: (line) => ctx.progress.log(line),
    });
  } catch (e) {
    throw new WordmillError('WM_ERR_SPEC', `text.subword: ${(e as Error).message}`, { option: 'text.subword.vocabSz' });
  }
  ctx.progress.log(`subword: ${model.pieces.length} pieces (${sub.type}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return writeModel(model);
}

/**
 * The text spec as fingerprints see it: `subword.threads` left out, since the trained model is the
 * same for any thread count (a spec that sets it keeps its cached model and store).
 */
export function fingerprintText(text: TextSpec): TextSpec {
  if (text.subword?.threads === undefined) return text;
  const { threads: _threads, ...subword } = text.subword;
  return { ...text, subword };
}

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
