import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildVocab, FASTAI_SPECIALS, loadVocabFile, remapEmbedding, resolveVocab, TokenCounter, Vocab } from '../../src/vocab/index.js';

/** A counter fed `tokens` in chunks of `chunk`, as the orchestrator feeds worker results. */
function counted(tokens: string[], chunk = 7): TokenCounter {
  const c = new TokenCounter();
  for (let i = 0; i < tokens.length; i += chunk) c.addTokens(tokens.slice(i, i + chunk));
  return c;
}

const repeat = (t: string, n: number) => Array.from({ length: n }, () => t);

test('fastai max_vocab=20: 9 specials + 11 words + 4 xxfake = 24', () => {
  const tokens: string[] = [...repeat('xxbos', 40), ...repeat('xxmaj', 35)];
  for (let w = 0; w < 25; w++) tokens.push(...repeat(`w${w}`, 30 - w));
  const v = buildVocab(counted(tokens), { maxVocab: 20 });
  assert.equal(v.size, 24);
  assert.deepEqual(v.itos.slice(0, 9), [...FASTAI_SPECIALS]);
  assert.deepEqual(v.itos.slice(9, 20), Array.from({ length: 11 }, (_, i) => `w${i}`));
  assert.deepEqual(v.itos.slice(20), repeat('xxfake', 4));
  assert.equal(v.unk, 0);
  assert.equal(v.pad, 1);
  assert.equal(v.counts[2], 40);
  assert.equal(v.counts[9], 30);
});

test('minFreq drops rare tokens; a full multiple of 8 still gets 8 fakes; padMultiple 0 disables', () => {
  // 9 specials + 7 words = 16 → a multiple of 8 → 8 fakes, as fastai's `8 - len % 8`.
  const tokens: string[] = [];
  for (let w = 0; w < 7; w++) tokens.push(...repeat(`a${w}`, 3));
  tokens.push('rare', 'rare');
  const v = buildVocab(counted(tokens));
  assert.equal(v.size, 24);
  assert.equal(v.itos.filter((t) => t === 'xxfake').length, 8);
  assert.equal(v.has('rare'), false);
  assert.equal(v.stoi('rare'), 0);
  const nopad = buildVocab(counted(tokens), { padMultiple: 0 });
  assert.equal(nopad.size, 16);
});

test('ties are broken by first appearance, whatever the chunking', () => {
  const tokens = ['c', 'b', 'a', 'b', 'c', 'a', 'd', 'd', 'd', 'd', 'a', 'b', 'c'];
  const expected = ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj', 'd', 'c', 'b', 'a'];
  for (const chunk of [1, 2, 3, 5, 13]) {
    const v = buildVocab(counted(tokens, chunk), { padMultiple: 0 });
    assert.deepEqual(v.itos, expected, `chunk ${chunk}`);
  }
});

test('xxfake and unknown tokens map to unk; encode/decode round trip', () => {
  const v = buildVocab(counted(repeat('hello', 3).concat(repeat('world', 4))));
  assert.equal(v.stoi('xxfake'), 0);
  assert.equal(v.stoi('never-seen'), 0);
  const ids = v.encode(['world', 'hello', 'zzz']);
  assert.deepEqual([...ids], [9, 10, 0]);
  assert.deepEqual(v.decode(ids), ['world', 'hello', 'xxunk']);
  assert.equal(v.idWidth, 16);
});

test('idWidth is 32 past 65536 entries', () => {
  assert.equal(new Vocab(Array.from({ length: 65536 }, (_, i) => `t${i}`)).idWidth, 16);
  assert.equal(new Vocab(Array.from({ length: 65537 }, (_, i) => `t${i}`)).idWidth, 32);
});

test('torchtext mode: only <unk>, minFreq 1, ties alphabetical', () => {
  const v = buildVocab(counted(['b', 'a', 'c', 'a', 'b', 'z']), { specials: 'torchtext', minFreq: 1, padMultiple: 0 });
  assert.deepEqual(v.itos, ['<unk>', 'a', 'b', 'c', 'z']);
  assert.equal(v.unk, 0);
  assert.equal(v.pad, -1);
});

test('d2l mode: explicit reserved list then tokens by count, ties by first appearance', () => {
  const v = buildVocab(counted(['the', 'time', 'machine', 'the', 'time', 'by']), {
    specials: ['<unk>', '<pad>', '<bos>', '<eos>'], minFreq: 1, padMultiple: 0,
  });
  assert.deepEqual(v.itos, ['<unk>', '<pad>', '<bos>', '<eos>', 'the', 'time', 'machine', 'by']);
  assert.equal(v.pad, 1);
});

test('first-appearance order without specials (fastbook Human Numbers: L(tokens).unique())', () => {
  const tokens = 'one . two . three . four . five . six . seven'.split(' ');
  const v = buildVocab(counted(tokens), { specials: 'none', order: 'first', minFreq: 1, padMultiple: 0 });
  assert.deepEqual(v.itos, ['one', '.', 'two', 'three', 'four', 'five', 'six', 'seven']);
  assert.equal(v.unk, -1);
  assert.throws(() => v.encode(['eight']), { code: 'WM_ERR_VOCAB' });
});

test('same counts, same vocabulary: building is deterministic', () => {
  const tokens = Array.from({ length: 5000 }, (_, i) => `t${(i * 7919) % 97}`);
  const a = buildVocab(counted(tokens, 13), { minFreq: 1 });
  const b = buildVocab(counted(tokens, 101), { minFreq: 1 });
  assert.deepEqual(a.itos, b.itos);
});

test('unknown options are rejected naming the option', () => {
  assert.throws(() => buildVocab(counted(['a']), { maxVocb: 3 } as never), { code: 'WM_ERR_OPTION', message: /maxVocb/ });
  assert.throws(() => buildVocab(counted(['a']), { minFreq: 0 }), { code: 'WM_ERR_OPTION', message: /minFreq/ });
});

test('counter rejects a chunk whose local ids exceed its distinct tokens', () => {
  const c = new TokenCounter();
  assert.throws(() => c.addChunk(['a'], new Uint32Array([0, 1])), { code: 'WM_ERR_WORKER' });
});

test('counter: provisional ids follow first appearance across chunks; count=false keeps counts', () => {
  const c = new TokenCounter();
  assert.deepEqual([...c.addChunk(['x', 'y'], new Uint32Array([0, 1, 0]))], [0, 1, 0]);
  assert.deepEqual([...c.addChunk(['z', 'x'], new Uint32Array([1, 0, 0]))], [0, 2, 2]);
  assert.deepEqual([...c.addChunk(['y', 'w'], new Uint32Array([1, 0]), false)], [3, 1]);
  assert.deepEqual(c.tokens, ['x', 'y', 'z', 'w']);
  assert.deepEqual([...c.counts()], [3, 1, 2, 0]);
});

test('vocabulary files: lines, JSON array, {itos, counts}; malformed files fail clearly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wm-vocab-'));
  try {
    await writeFile(join(dir, 'v.txt'), 'xxunk\nxxpad\nthe\r\ncat\n');
    await writeFile(join(dir, 'v.json'), JSON.stringify(['<unk>', 'a', '\n']));
    await writeFile(join(dir, 'vocab.json'), JSON.stringify({ itos: ['xxunk', 'b'], counts: [0, 5] }));
    await writeFile(join(dir, 'bad.json'), '{"itos": [1, 2]}');
    assert.deepEqual((await loadVocabFile(join(dir, 'v.txt'))).itos, ['xxunk', 'xxpad', 'the', 'cat']);
    const j = await loadVocabFile(join(dir, 'v.json'));
    assert.equal(j.stoi('\n'), 2);
    const o = await loadVocabFile(join(dir, 'vocab.json'));
    assert.equal(o.counts[1], 5);
    await assert.rejects(loadVocabFile(join(dir, 'bad.json')), { code: 'WM_ERR_VOCAB', message: /bad\.json/ });
    await assert.rejects(loadVocabFile(join(dir, 'missing.txt')), { code: 'WM_ERR_NOT_FOUND' });
    const r = await resolveVocab(counted(['q']), { file: join(dir, 'v.txt') });
    assert.equal(r.size, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('remapEmbedding copies known rows and gives new rows the pretrained mean', () => {
  const w = new Float32Array([1, 2, 3, 4, 5, 9]);
  const out = remapEmbedding(['a', 'b', 'c'], ['c', 'new', 'a'], w, 2);
  assert.deepEqual([...out], [5, 9, 3, 5, 1, 2]);
  assert.throws(() => remapEmbedding(['a'], ['a'], w, 2), { code: 'WM_ERR_VOCAB' });
});
