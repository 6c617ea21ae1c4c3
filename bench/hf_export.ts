/**
 * The export half of the transformers check (not a test: it needs Python): the committed GPT-2
 * fixture imported as a wordmill `gpt` checkpoint, then written back by `exportCheckpointToHf`
 * (what `wordmill export-hf` runs), for bench/make_gpt2_fixture.py --check to load with
 * GPT2LMHeadModel.from_pretrained:
 *
 *     npx tsc -p tsconfig.json && node dist/bench/hf_export.js /tmp/gpt2-export
 *     /work/pyvenv/bin/python bench/make_gpt2_fixture.py --check /tmp/gpt2-export
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadHfGpt2 } from '../src/train/hf/index.js';
import { exportCheckpointToHf } from '../src/train/hf/export.js';
import { writeCheckpoint } from '../src/train/checkpoint.js';

const out = process.argv[2];
if (!out) throw new Error('usage: node dist/bench/hf_export.js OUT_DIR');
const fixture = fileURLToPath(new URL('../../test/fixtures/gpt2-tiny', import.meta.url));
const m = await loadHfGpt2(fixture);
const { layers, heads, emb, context, vocab, dropout } = m.dims;
const config = { arch: 'gpt', vocab, layers, heads, emb, context, dropout, outputP: dropout, alpha: 0, beta: 0 };
const file = path.join(out, 'from-fixture.wmckpt');
await writeCheckpoint(file, {
  version: 1, kind: 'lm', config: { ...config, spec: { arch: 'gpt', layers, heads, emb, context, dropout } },
  vocab: Array.from({ length: vocab }, (_, i) => `t${i}`), position: { epoch: 0, batch: 0, step: 0, done: true }, train: {}, seed: 0,
  metrics: [], totals: { seconds: 0, tokens: 0, waitSeconds: 0, trainLossSum: 0, trainLossCount: 0 },
}, new Map([...m.tensors].map(([k, data]) => [k, { shape: shapeOf(k), data }])));
const r = await exportCheckpointToHf(file, out);
console.log(JSON.stringify({ checkpoint: file, files: r.files }));

function shapeOf(k: string): number[] {
  // Shapes are the checkpoint's bookkeeping only; the export checks each tensor's length against config.json's dimensions.
  return [m.tensors.get(k)!.length];
}
