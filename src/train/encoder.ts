import { WordmillError } from '../errors.js';
import { remapEmbedding } from '../vocab/remap.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';

/**
 * Transfer learning: an encoder file holds a trained model's embedding, recurrent layers and
 * decoder bias with its vocabulary. Loading it for another vocabulary remaps the per-token rows
 * with the vocabulary module's remapEmbedding (fastai's `match_embeds`): known words keep their
 * rows, new words get the mean row.
 */
const ENCODER_KEY = /^param\/(emb|dec\.b|l\d+\.(wx|wh|b|bh))$/;

export async function saveEncoder(checkpoint: string, file: string): Promise<void> {
  const ck = await readCheckpoint(checkpoint);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of ck.header.tensors) {
    if (ENCODER_KEY.test(t.name)) tensors.set(t.name, { shape: t.shape, data: ck.tensors.get(t.name)! });
  }
  const { tensors: _drop, ...header } = ck.header;
  void _drop;
  await writeCheckpoint(file, { ...header, kind: 'lm', position: { epoch: 0, batch: 0, step: 0, done: false }, metrics: [] }, tensors);
}

/** The encoder's tensors for vocabulary `vocab`, keyed `param/<name>` like a checkpoint. */
export async function loadEncoder(file: string, vocab: string[]): Promise<{ config: Record<string, unknown>; tensors: Map<string, Float32Array> }> {
  const ck = await readCheckpoint(file);
  const from = ck.header.vocab;
  const out = new Map<string, Float32Array>();
  for (const t of ck.header.tensors) {
    const data = ck.tensors.get(t.name)!;
    if (t.name === 'param/emb') out.set(t.name, remapEmbedding(from, vocab, data, t.shape[1]));
    else if (t.name === 'param/dec.b') out.set(t.name, remapEmbedding(from, vocab, data, 1));
    else out.set(t.name, data);
  }
  if (!out.has('param/emb')) throw new WordmillError('WM_ERR_CHECKPOINT', `${file} holds no embedding: not an encoder`, { path: file });
  return { config: { ...ck.header.config, vocab: vocab.length }, tensors: out };
}
