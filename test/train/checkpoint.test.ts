import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCheckpoint, readCheckpointHeader, modelConfigOf, writeCheckpoint, checkpointFile } from '../../src/train/checkpoint.js';
import { saveEncoder, loadEncoder } from '../../src/train/encoder.js';
import { remapEmbedding } from '../../src/vocab/remap.js';
import { WordmillError } from '../../src/errors.js';

const dirs: string[] = [];
after(async () => { for (const d of dirs) await fs.rm(d, { recursive: true, force: true }); });
const tmp = async () => { const d = await fs.mkdtemp(path.join(os.tmpdir(), 'wm-ckpt-')); dirs.push(d); return d; };

const header = (vocab: string[]) => ({
  version: 1 as const, kind: 'lm' as const, config: { cell: 'lstm', vocab: vocab.length }, vocab,
  position: { epoch: 1, batch: 7, step: 40, done: false }, train: { lr: 0.01 }, seed: 3, metrics: [{ epoch: 0 }],
  totals: { seconds: 1, tokens: 2, waitSeconds: 0, trainLossSum: 0.5, trainLossCount: 3 },
});

test('checkpoint round trip keeps header and tensors; the write leaves no temporary file', async () => {
  const dir = await tmp();
  const file = checkpointFile(dir);
  const tensors = new Map([
    ['param/emb', { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ['param/l0.wh', { shape: [1], data: Float32Array.from([-0.5]) }],
  ]);
  await writeCheckpoint(file, header(['a', 'b', 'c']), tensors);
  assert.deepEqual(await fs.readdir(dir), ['last.wmckpt']);
  const ck = await readCheckpoint(file);
  assert.deepEqual(ck.header.position, { epoch: 1, batch: 7, step: 40, done: false });
  assert.deepEqual(ck.header.vocab, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(ck.tensors.get('param/emb')!), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(ck.tensors.get('param/l0.wh')!), [-0.5]);
});

test('a missing, foreign or truncated checkpoint is WM_ERR_CHECKPOINT naming the file', async () => {
  const dir = await tmp();
  const file = path.join(dir, 'x.wmckpt');
  await assert.rejects(readCheckpoint(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && e.details.path === file);
  await fs.writeFile(file, 'hello world, not a checkpoint');
  await assert.rejects(readCheckpoint(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT');
  await writeCheckpoint(file, header(['a']), new Map([['param/emb', { shape: [4], data: new Float32Array(4) }]]));
  const buf = await fs.readFile(file);
  await fs.writeFile(file, buf.subarray(0, buf.length - 3));
  await assert.rejects(readCheckpoint(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && /truncated/.test(e.message));
});

test('readCheckpointHeader reads the header without the tensors, with readCheckpoint\'s errors', async () => {
  const dir = await tmp();
  const file = checkpointFile(dir);
  await writeCheckpoint(file, { ...header(['a', 'b']), config: { cell: 'gru', vocab: 2, spec: { arch: 'gru' } } },
    new Map([['param/emb', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }]]));
  const h = await readCheckpointHeader(file);
  assert.deepEqual(h, (await readCheckpoint(file)).header);
  // A header from before the model registry gets its arch from the spec it was written with.
  assert.deepEqual(modelConfigOf(h), { cell: 'gru', vocab: 2, arch: 'gru' });
  // Truncated tensors are the trainer's to find: the header is still readable.
  await fs.writeFile(file, (await fs.readFile(file)).subarray(0, -3));
  assert.deepEqual((await readCheckpointHeader(file)).vocab, ['a', 'b']);
  const missing = path.join(dir, 'none.wmckpt');
  await assert.rejects(readCheckpointHeader(missing), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && e.details.path === missing
    && (e.cause as NodeJS.ErrnoException).code === 'ENOENT');
  await assert.rejects(readCheckpointHeader(dir), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && /cannot be read/.test(e.message));
  await fs.writeFile(file, 'hello world, not a checkpoint');
  await assert.rejects(readCheckpointHeader(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && /not a wordmill checkpoint/.test(e.message));
  await fs.writeFile(file, Buffer.concat([Buffer.from('WMCKPT01'), Buffer.from([200, 0, 0, 0]), Buffer.from('{"vers')]));
  await assert.rejects(readCheckpointHeader(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && /is corrupt: its header length \(200 bytes\) runs past the end/.test(e.message));
  await fs.writeFile(file, Buffer.concat([Buffer.from('WMCKPT01'), Buffer.from([6, 0, 0, 0]), Buffer.from('{"vers')]));
  await assert.rejects(readCheckpointHeader(file), (e: WordmillError) => e.code === 'WM_ERR_CHECKPOINT' && /is corrupt: its header is not valid JSON/.test(e.message));
});

test('embedding remap: known words keep their rows, new words get the mean row', () => {
  const old = Float32Array.from([1, 1, 3, 5, 5, 9]);
  const out = remapEmbedding(['a', 'b', 'c'], ['c', 'z', 'a'], old, 2);
  assert.deepEqual(Array.from(out), [5, 9, 3, 5, 1, 1]);
});

test('saveEncoder keeps encoder weights only; loadEncoder remaps them to a new vocabulary', async () => {
  const dir = await tmp();
  const file = checkpointFile(dir);
  // The layout the model's module writes: which tensors form its encoder, which have a row per token.
  const layout = { encoder: ['emb', 'l0.wx', 'l0.wh', 'l0.b'], vocabRows: ['emb', 'dec.b'] };
  await writeCheckpoint(file, { ...header(['a', 'b']), layout }, new Map([
    ['param/emb', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }],
    ['param/l0.wx', { shape: [2], data: Float32Array.from([7, 8]) }],
    ['param/dec.b', { shape: [2], data: Float32Array.from([0.5, 1.5]) }],
    ['adam.m/emb', { shape: [2, 2], data: new Float32Array(4) }],
    ['state/0/0', { shape: [1, 2], data: new Float32Array(2) }],
  ]));
  const enc = path.join(dir, 'enc.wmckpt');
  await saveEncoder(file, enc);
  const raw = await readCheckpoint(enc);
  assert.deepEqual(raw.header.tensors.map((t) => t.name).sort(), ['param/dec.b', 'param/emb', 'param/l0.wx']);
  const loaded = await loadEncoder(enc, ['b', 'new']);
  assert.deepEqual(Array.from(loaded.tensors.get('param/emb')!), [3, 4, 2, 3]);
  assert.deepEqual(Array.from(loaded.tensors.get('param/dec.b')!), [1.5, 1]);
  assert.deepEqual(Array.from(loaded.tensors.get('param/l0.wx')!), [7, 8]);
  assert.equal(loaded.config.vocab, 2);
});

test('a one-bit flip anywhere in a checkpoint is WM_ERR_CHECKPOINT naming the file, on full and header-only reads', async () => {
  const dir = await tmp();
  const file = checkpointFile(dir);
  await writeCheckpoint(file, header(['a', 'b', 'c']), new Map([
    ['param/emb', { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ['adam.m/emb', { shape: [3, 2], data: Float32Array.from([0, 0, 0, 0, 0, 1e-9]) }],
  ]));
  const good = await fs.readFile(file);
  const headerEnd = 12 + 32 + good.readUInt32LE(8);
  const bad = path.join(dir, 'flipped.wmckpt');
  // Every byte, each with a low and a high bit flipped: magic, length, digest, header and tensors.
  for (let i = 0; i < good.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const b = Buffer.from(good);
      b[i] ^= bit;
      await fs.writeFile(bad, b);
      const isBad = (e: WordmillError) => e instanceof WordmillError && e.code === 'WM_ERR_CHECKPOINT' && e.details.path === bad && e.message.includes(bad);
      await assert.rejects(readCheckpoint(bad), isBad, `byte ${i} bit ${bit} went undetected by readCheckpoint`);
      if (i < headerEnd) await assert.rejects(readCheckpointHeader(bad), isBad, `byte ${i} bit ${bit} went undetected by readCheckpointHeader`);
    }
  }
  await fs.writeFile(bad, good.subarray(0, good.length - 4));
  await assert.rejects(readCheckpoint(bad), /is corrupt: its tensors are truncated \(44 of 48 bytes\)/);
  await fs.writeFile(bad, Buffer.concat([good, Buffer.from([0])]));
  await assert.rejects(readCheckpoint(bad), /do not match the SHA-256 digest/, 'trailing bytes are a damaged file too');
  assert.deepEqual(Array.from((await readCheckpoint(file)).tensors.get('param/emb')!), [1, 2, 3, 4, 5, 6]);
});

test('a checkpoint written before digests (WMCKPT01) still loads', async () => {
  const dir = await tmp();
  const json = Buffer.from(JSON.stringify({ ...header(['a']), tensors: [{ name: 'param/emb', shape: [2], offset: 0, length: 2 }] }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const file = path.join(dir, 'old.wmckpt');
  await fs.writeFile(file, Buffer.concat([Buffer.from('WMCKPT01'), len, json, Buffer.from(Float32Array.from([3, 4]).buffer)]));
  assert.deepEqual(Array.from((await readCheckpoint(file)).tensors.get('param/emb')!), [3, 4]);
  assert.deepEqual((await readCheckpointHeader(file)).vocab, ['a']);
});
