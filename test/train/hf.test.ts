import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, wasmReady, maxAbsDiff } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { restoreParams } from '../../src/train/state.js';
import { decode, Dropout, forward, timeMajor } from '../../src/train/model.js';
import { loadHfGpt2, saveHfGpt2, type HfModel } from '../../src/train/hf/index.js';
import { parseSafetensors, readSafetensors } from '../../src/train/hf/safetensors.js';
import { unpickle } from '../../src/train/hf/pickle.js';
import { exportCheckpointToHf } from '../../src/train/hf/export.js';
import { writeCheckpoint } from '../../src/train/checkpoint.js';
import type { WordmillError } from '../../src/errors.js';

// Made by bench/make_gpt2_fixture.py: a random GPT2LMHeadModel (2 layers, 2 heads, emb 32, 64
// positions, 1000 ids) saved by transformers' save_pretrained and torch.save, with its logits.
const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/gpt2-tiny', import.meta.url));
const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as { input: number[][]; shape: number[]; logits: number[] };

/** wordmill's logits for the fixture's input, batch-major [bs, seq, V] flattened as transformers gives them. */
async function logitsOf(m: HfModel): Promise<Float32Array> {
  await wasmReady();
  const c = resolveModel({ arch: 'gpt', layers: m.dims.layers, heads: m.dims.heads, emb: m.dims.emb, context: m.dims.context, dropout: 0 } as never, m.dims.vocab);
  const p = initParams(c, 0);
  try {
    restoreParams(p, m.tensors);
    const bs = expected.input.length, seq = expected.input[0].length, V = m.dims.vocab;
    const x = Int32Array.from(expected.input.flat());
    const tm = tf.tidy(() => decode(c, p, forward(c, p, timeMajor(x, bs, seq), seq, bs, [], new Dropout(false, 0, 0)).out).dataSync() as Float32Array);
    // time-major rows (s·bs + b) → batch-major (b·seq + s)
    const out = new Float32Array(tm.length);
    for (let b = 0; b < bs; b++) for (let s = 0; s < seq; s++) out.set(tm.subarray((s * bs + b) * V, (s * bs + b + 1) * V), (b * seq + s) * V);
    return out;
  } finally {
    disposeParams(p);
  }
}

test('hf: the fixture\'s model.safetensors gives transformers\' logits within 1e-4', async () => {
  const m = await loadHfGpt2(FIXTURE);
  assert.ok(m.file.endsWith('model.safetensors'));
  assert.deepEqual(m.dims, { layers: 2, heads: 2, emb: 32, context: 64, vocab: 1000, dropout: 0.1 });
  const got = await logitsOf(m);
  assert.equal(got.length, expected.logits.length);
  const d = maxAbsDiff(got, expected.logits);
  assert.ok(d <= 1e-4, `max |wordmill − transformers| = ${d}`);
});

test('hf: pytorch_model.bin (torch.save zip + pickle) loads the same weights as model.safetensors', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-bin-'));
  try {
    await copyFile(path.join(FIXTURE, 'config.json'), path.join(dir, 'config.json'));
    await copyFile(path.join(FIXTURE, 'pytorch_model.bin'), path.join(dir, 'pytorch_model.bin'));
    const bin = await loadHfGpt2(dir);
    assert.ok(bin.file.endsWith('pytorch_model.bin'));
    const st = await loadHfGpt2(FIXTURE);
    assert.deepEqual([...bin.tensors.keys()].sort(), [...st.tensors.keys()].sort());
    for (const [k, v] of st.tensors) assert.ok(Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(Buffer.from(bin.tensors.get(k)!.buffer)), `${k} differs`);
    assert.ok(maxAbsDiff(await logitsOf(bin), expected.logits) <= 1e-4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hf: export then re-import is bit-identical, in the layout transformers reads', async () => {
  const m = await loadHfGpt2(FIXTURE);
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-out-'));
  try {
    await saveHfGpt2(dir, m.dims, (k) => m.tensors.get(`param/${k}`), null);
    const back = await loadHfGpt2(dir);
    assert.deepEqual(back.dims, m.dims);
    for (const [k, v] of m.tensors) {
      const w = back.tensors.get(k)!;
      assert.ok(Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(Buffer.from(w.buffer, w.byteOffset, w.byteLength)), `${k} changed`);
    }
    // The names and metadata save_pretrained writes (transformers refuses a file without format "pt").
    const st = await readSafetensors(path.join(dir, 'model.safetensors'));
    const theirs = await readSafetensors(path.join(FIXTURE, 'model.safetensors'));
    assert.deepEqual([...st.tensors.keys()].sort(), [...theirs.tensors.keys()].sort());
    assert.deepEqual(st.metadata, { format: 'pt' });
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
    assert.equal(config.model_type, 'gpt2');
    assert.deepEqual(config.architectures, ['GPT2LMHeadModel']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A copy of the fixture with config.json edited by `edit`. */
async function withConfig(edit: (c: Record<string, unknown>) => void, f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-cfg-'));
  try {
    const c = JSON.parse(await readFile(path.join(FIXTURE, 'config.json'), 'utf8'));
    edit(c);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(c));
    await copyFile(path.join(FIXTURE, 'model.safetensors'), path.join(dir, 'model.safetensors'));
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const refused = (re: RegExp) => (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && re.test(e.message);

test('hf: a config wordmill would compute differently is refused, naming the key', async () => {
  await withConfig((c) => { c.activation_function = 'gelu'; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/activation_function "gelu" is not GPT-2's tanh GELU/));
  });
  await withConfig((c) => { c.activation_function = 'gelu_pytorch_tanh'; }, async (dir) => {
    assert.ok(maxAbsDiff(await logitsOf(await loadHfGpt2(dir)), expected.logits) <= 1e-4, 'gelu_pytorch_tanh is the same tanh GELU');
  });
  await withConfig((c) => { c.layer_norm_epsilon = 1e-6; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/layer_norm_epsilon 0.000001: wordmill's gpt LayerNorm uses 1e-5/));
  });
  await withConfig((c) => { c.tie_word_embeddings = false; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/tie_word_embeddings false/));
  });
  await withConfig((c) => { delete c.n_embd; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/config\.json: n_embd/));
  });
  // Dimensions that do not fit the weights: the first tensor whose shape differs is named.
  await withConfig((c) => { c.n_positions = 128; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/wpe\.weight has shape \[64, 32\], config\.json's dimensions make it \[128, 32\]/));
  });
  await withConfig((c) => { c.n_layer = 1; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/12 weights wordmill's gpt has no place for: transformer\.h\.1\./));
  });
  await withConfig((c) => { c.n_layer = 3; }, async (dir) => {
    await assert.rejects(loadHfGpt2(dir), refused(/h\.2\.ln_1\.weight is missing/));
  });
});

test('hf: a directory without weights, a sharded checkpoint and a damaged safetensors file are refused', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-bad-'));
  try {
    await assert.rejects(loadHfGpt2(dir), (e: WordmillError) => e.code === 'WM_ERR_NOT_FOUND' && /is not a Hugging Face model directory/.test(e.message));
    await copyFile(path.join(FIXTURE, 'config.json'), path.join(dir, 'config.json'));
    await assert.rejects(loadHfGpt2(dir), (e: WordmillError) => e.code === 'WM_ERR_NOT_FOUND' && /neither model\.safetensors nor pytorch_model\.bin/.test(e.message));
    await writeFile(path.join(dir, 'model.safetensors.index.json'), '{}');
    await assert.rejects(loadHfGpt2(dir), (e: WordmillError) => /sharded checkpoint/.test(e.message));
    const good = await readFile(path.join(FIXTURE, 'model.safetensors'));
    await writeFile(path.join(dir, 'model.safetensors'), good.subarray(0, good.length - 4));
    await assert.rejects(loadHfGpt2(dir), refused(/not a usable safetensors file: .*outside the \d+-byte data section/));
    const long = Buffer.from(good);
    long.writeBigUInt64LE(BigInt(good.length), 0);
    await writeFile(path.join(dir, 'model.safetensors'), long);
    await assert.rejects(loadHfGpt2(dir), refused(/header length .* runs past the file/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hf: export-hf refuses a checkpoint that is not a gpt language model', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-ck-'));
  try {
    const file = path.join(dir, 'last.wmckpt');
    await writeCheckpoint(file, {
      version: 1, kind: 'lm', config: { arch: 'lstm', vocab: 4, emb: 2, hidden: 2, layers: 1 }, vocab: ['a', 'b', 'c', 'd'],
      position: { epoch: 1, batch: 0, step: 1, done: true }, train: {}, seed: 1, metrics: [],
      totals: { seconds: 0, tokens: 0, waitSeconds: 0, trainLossSum: 0, trainLossCount: 0 },
    }, new Map([['param/emb', { shape: [4, 2], data: new Float32Array(8) }]]));
    await assert.rejects(exportCheckpointToHf(file, path.join(dir, 'out')), refused(/lm checkpoint of arch lstm: only a language model of arch "gpt" has GPT-2's layout/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hf: safetensors F16 and BF16 tensors are widened to float32 exactly (subnormals, infinities)', () => {
  const f16 = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0x8000]; // 1, -2, 0.5, 65504, 2^-24, inf, -0
  const bf16 = [0x3f80, 0xc020, 0x4049]; // 1, -2.5, 3.140625
  const header = JSON.stringify({ __metadata__: { format: 'pt' }, a: { dtype: 'F16', shape: [7], data_offsets: [0, 14] }, b: { dtype: 'BF16', shape: [3], data_offsets: [14, 20] } });
  const buf = Buffer.alloc(8 + header.length + 20);
  buf.writeBigUInt64LE(BigInt(header.length));
  buf.write(header, 8);
  [...f16, ...bf16].forEach((v, i) => buf.writeUInt16LE(v, 8 + header.length + 2 * i));
  const st = parseSafetensors('mem', buf);
  assert.deepEqual([...st.tensors.get('a')!.data], [1, -2, 0.5, 65504, 2 ** -24, Infinity, -0]);
  assert.deepEqual([...st.tensors.get('b')!.data], [1, -2.5, 3.140625]);
  assert.deepEqual(st.metadata, { format: 'pt' });
  const i64 = Buffer.from(buf);
  i64.write(header.replace('"F16"', '"I64"'), 8);
  assert.throws(() => parseSafetensors('mem', i64), refused(/tensor a has dtype "I64"; wordmill reads F32, F16, BF16/));
  const gap = Buffer.from(buf);
  gap.write(header.replace('[14,20]', '[16,22]').replace('[0,14]', '[0,14]'), 8);
  assert.throws(() => parseSafetensors('mem', gap), refused(/outside the 20-byte data section/));
});

test('hf: the pickle reader resolves no global but the state_dict\'s own (a .bin cannot run code)', () => {
  // PROTO 2; GLOBAL os.system; SHORT_BINUNICODE "echo"; TUPLE1; REDUCE; STOP — what a malicious .bin holds.
  const evil = Buffer.concat([Buffer.from([0x80, 2]), Buffer.from('cos\nsystem\n'), Buffer.from([0x8c, 4]), Buffer.from('echo'), Buffer.from([0x85, 0x52, 0x2e])]);
  assert.throws(() => unpickle('x.bin', evil, { globals: {}, persistentLoad: () => null }), refused(/needs os\.system, which a torch state_dict does not use/));
  assert.throws(() => unpickle('x.bin', Buffer.from([0x80, 2, 0x69]), { globals: {}, persistentLoad: () => null }), refused(/opcode 0x69/));
});
