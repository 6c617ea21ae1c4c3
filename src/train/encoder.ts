import { WordmillError } from '../errors.js';
import { remapEmbedding } from '../vocab/remap.js';
import { modelConfigOf, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { modelDef } from './models/index.js';

/**
 * Transfer learning: an encoder file holds a trained model's encoder layer groups (fastai's
 * save_encoder), plus its decoder bias for a language model that continues from it, with the
 * vocabulary. Loading it for another vocabulary remaps each per-token parameter with the
 * vocabulary module's remapEmbedding (fastai's `match_embeds`): known words keep their rows, new
 * words get the mean row. Which parameters those are, the model's module says.
 */
export async function saveEncoder(checkpoint: string, file: string): Promise<void> {
  const ck = await readCheckpoint(checkpoint);
  const c = modelConfigOf(ck.header);
  const m = modelDef(c.arch);
  const keep = new Set([...m.groups(c).encoder.flat(), ...m.vocabRows(c).filter((k) => k.endsWith('.b'))].map((k) => `param/${k}`));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of ck.header.tensors) {
    if (keep.has(t.name)) tensors.set(t.name, { shape: t.shape, data: ck.tensors.get(t.name)! });
  }
  if (tensors.size === 0) throw new WordmillError('WM_ERR_CHECKPOINT', `${checkpoint} holds no encoder weights`, { path: checkpoint });
  const { tensors: _drop, classifier: _cls, ...header } = ck.header;
  void _drop; void _cls;
  await writeCheckpoint(file, { ...header, config: { ...header.config, arch: c.arch }, kind: 'lm', position: { epoch: 0, batch: 0, step: 0, done: false }, metrics: [] }, tensors);
}

/** The encoder's tensors for vocabulary `vocab`, keyed `param/<name>` like a checkpoint. */
export async function loadEncoder(file: string, vocab: string[]): Promise<{ config: Record<string, unknown>; tensors: Map<string, Float32Array> }> {
  const ck = await readCheckpoint(file);
  const c = modelConfigOf(ck.header);
  const rows = new Set(modelDef(c.arch).vocabRows(c).map((k) => `param/${k}`));
  const from = ck.header.vocab;
  const out = new Map<string, Float32Array>();
  for (const t of ck.header.tensors) {
    const data = ck.tensors.get(t.name)!;
    out.set(t.name, rows.has(t.name) ? remapEmbedding(from, vocab, data, t.shape.length > 1 ? t.shape[1] : 1) : data);
  }
  if (!out.has('param/emb')) throw new WordmillError('WM_ERR_CHECKPOINT', `${file} holds no embedding: not an encoder`, { path: file });
  return { config: { ...ck.header.config, vocab: vocab.length }, tensors: out };
}
