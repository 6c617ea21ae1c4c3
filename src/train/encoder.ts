import { WordmillError } from '../errors.js';
import { remapEmbedding } from '../vocab/remap.js';
import { readCheckpoint, writeCheckpoint, type CheckpointHeader } from './checkpoint.js';

/**
 * Transfer learning: an encoder file holds a trained model's encoder weights (fastai's
 * save_encoder) plus, from a language model, its decoder bias (for a language model that
 * continues from it), with the vocabulary. Loading it for another vocabulary remaps each
 * per-token parameter with the vocabulary module's remapEmbedding (fastai's `match_embeds`): known
 * words keep their rows, new words get the mean row. Which weights those are, the checkpoint's
 * `layout` says (written by the model's own module), so this module needs no TensorFlow.js.
 */
function layoutOf(h: CheckpointHeader, file: string): NonNullable<CheckpointHeader['layout']> {
  if (!h.layout) throw new WordmillError('WM_ERR_CHECKPOINT', `${file} has no weight layout (written before the model registry): train it again`, { path: file });
  return h.layout;
}

export async function saveEncoder(checkpoint: string, file: string): Promise<void> {
  const ck = await readCheckpoint(checkpoint);
  const layout = layoutOf(ck.header, checkpoint);
  const keep = new Set([...layout.encoder, ...layout.vocabRows.filter((k) => k.endsWith('.b'))].map((k) => `param/${k}`));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of ck.header.tensors) {
    if (keep.has(t.name)) tensors.set(t.name, { shape: t.shape, data: ck.tensors.get(t.name)! });
  }
  if (tensors.size === 0) throw new WordmillError('WM_ERR_CHECKPOINT', `${checkpoint} holds no encoder weights`, { path: checkpoint });
  const { tensors: _drop, classifier: _cls, ...header } = ck.header;
  void _drop; void _cls;
  const { head: _head, chunking: _chunking, ...config } = header.config;
  void _head; void _chunking;
  await writeCheckpoint(file, { ...header, config, kind: 'lm', position: { epoch: 0, batch: 0, step: 0, done: false }, metrics: [] }, tensors);
}

/** The encoder's tensors for vocabulary `vocab`, keyed `param/<name>` like a checkpoint. */
export async function loadEncoder(file: string, vocab: string[]): Promise<{ config: Record<string, unknown>; tensors: Map<string, Float32Array> }> {
  const ck = await readCheckpoint(file);
  const rows = new Set(layoutOf(ck.header, file).vocabRows.map((k) => `param/${k}`));
  const from = ck.header.vocab;
  const out = new Map<string, Float32Array>();
  for (const t of ck.header.tensors) {
    const data = ck.tensors.get(t.name)!;
    out.set(t.name, rows.has(t.name) ? remapEmbedding(from, vocab, data, t.shape.length > 1 ? t.shape[1] : 1) : data);
  }
  if (!out.has('param/emb')) throw new WordmillError('WM_ERR_CHECKPOINT', `${file} holds no embedding: not an encoder`, { path: file });
  return { config: { ...ck.header.config, vocab: vocab.length }, tensors: out };
}
