import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cacheRoot, ensureStore, findStore, fingerprint, openStore, StoreWriter, storeDir } from '../../src/store/index.js';
import { buildVocab, Vocab } from '../../src/vocab/index.js';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wm-store-'));
  dirs.push(d);
  return d;
}

const docs = [
  { split: 'train', text: 'xxbos the cat sat on the mat', label: 'pos' },
  { split: 'train', text: 'xxbos the dog sat', label: 'neg' },
  { split: 'train', text: 'xxbos a cat a dog a bird the end', label: 'pos' },
  { split: 'valid', text: 'xxbos the bird sat on a zebra', label: 'neg' },
];

/** Streams `docs` through a writer as the orchestrator does: one chunk per document here. */
async function writeDocs(writer: StoreWriter, opts: { labels?: boolean; minFreq?: number } = {}) {
  for (const d of docs) {
    const prov = writer.counter.addTokens(d.text.split(' '));
    writer.appendDoc(d.split, prov, opts.labels ? d.label : undefined);
  }
  const vocab = buildVocab(writer.counter, { minFreq: opts.minFreq ?? 2 });
  return writer.finish(vocab, { extra: { pipeline: 'test' } });
}

test('round trip: tokens, document offsets, labels, vocab and meta come back', async () => {
  const root = await tmp();
  const fp = fingerprint({ test: 1 });
  const { store, cached } = await ensureStore({ root, fingerprint: fp, inputs: { test: 1 } }, (w) => writeDocs(w, { labels: true }));
  assert.equal(cached, false);
  for (const s of [store, await openStore(storeDir(root, fp), { verify: true })]) {
    assert.deepEqual(s.splits, ['train', 'valid']);
    const train = s.split('train');
    assert.equal(train.nDocs, 3);
    assert.equal(train.nTokens, 7 + 4 + 9);
    assert.deepEqual([...train.docStarts], [0, 7, 11, 20]);
    assert.ok(train.tokens instanceof Uint16Array);
    assert.deepEqual(s.vocab.decode(train.tokens.subarray(0, 7)), ['xxbos', 'the', 'cat', 'sat', 'on', 'the', 'xxunk']);
    assert.deepEqual(s.meta.labels, ['neg', 'pos']);
    assert.deepEqual([...train.labels!], [1, 0, 1]);
    assert.deepEqual(s.vocab.decode(s.split('valid').tokens), ['xxbos', 'the', 'bird', 'sat', 'on', 'a', 'xxunk']);
    assert.equal(s.meta.splits.valid.tokens, 7);
    assert.equal(s.meta.idWidth, 16);
    assert.deepEqual(s.meta.inputs, { test: 1 });
    assert.deepEqual(s.meta.extra, { pipeline: 'test' });
  }
  const again = await ensureStore({ root, fingerprint: fp, inputs: { test: 1 } }, () => { throw new Error('must not rebuild'); });
  assert.equal(again.cached, true);
  assert.deepEqual((await readdir(join(root, 'stores'))).sort(), [fp]);
});

test('a vocabulary over 65536 entries writes uint32 tokens', async () => {
  const root = await tmp();
  const w = await StoreWriter.create({ root, fingerprint: 'big', inputs: {} });
  w.appendDoc('train', w.counter.addTokens(['b', 'a', 'b']));
  const itos = ['xxunk', ...Array.from({ length: 70000 }, (_, i) => `t${i}`), 'a', 'b'];
  const s = await w.finish(new Vocab(itos));
  const t = s.split('train').tokens;
  assert.ok(t instanceof Uint32Array);
  assert.deepEqual([...t], [70002, 70001, 70002]);
});

test('fingerprint: stable under key order, changes with any option or algorithm version', () => {
  const base = { sources: ['sha256:abc'], vocab: { minFreq: 3, maxVocab: 60000 }, algorithms: { tokenize: '1', vocab: '1' } };
  const fp = fingerprint(base);
  assert.match(fp, /^[0-9a-f]{32}$/);
  assert.equal(fingerprint({ algorithms: { vocab: '1', tokenize: '1' }, vocab: { maxVocab: 60000, minFreq: 3 }, sources: ['sha256:abc'] }), fp);
  assert.notEqual(fingerprint({ ...base, vocab: { minFreq: 2, maxVocab: 60000 } }), fp);
  assert.notEqual(fingerprint({ ...base, sources: ['sha256:abd'] }), fp);
  assert.notEqual(fingerprint({ ...base, algorithms: { tokenize: '2', vocab: '1' } }), fp);
});

test('cacheRoot: WORDMILL_HOME, then XDG_CACHE_HOME/wordmill, then ~/.cache/wordmill', () => {
  assert.equal(cacheRoot({ WORDMILL_HOME: '/w', XDG_CACHE_HOME: '/x' }), '/w');
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/x' }), join('/x', 'wordmill'));
  assert.match(cacheRoot({}), /\.cache[\\/]wordmill$/);
});

test('a corrupt store is detected (size always, content with verify), reported and rebuilt', async () => {
  const root = await tmp();
  const fp = 'corrupt';
  await ensureStore({ root, fingerprint: fp, inputs: {} }, (w) => writeDocs(w));
  const tokens = join(storeDir(root, fp), 'train.tokens.bin');
  const bytes = await readFile(tokens);
  bytes[bytes.length - 1] ^= 0xff;
  await writeFile(tokens, bytes);
  await assert.rejects(openStore(storeDir(root, fp), { verify: true }), { code: 'WM_ERR_STORE', message: /train\.tokens\.bin does not match its sha256/ });
  await writeFile(tokens, bytes.subarray(0, bytes.length - 2));
  await assert.rejects(openStore(storeDir(root, fp), { verify: false }), { code: 'WM_ERR_STORE', message: /train\.tokens\.bin has \d+ bytes/ });
  const lines: string[] = [];
  assert.equal(await findStore(root, fp, { log: (l) => lines.push(l) }), undefined);
  assert.match(lines[0], /invalid.*rebuilding/);
  let built = 0;
  const r = await ensureStore({ root, fingerprint: fp, inputs: {}, log: (l) => lines.push(l) }, (w) => { built++; return writeDocs(w); });
  assert.equal(built, 1);
  assert.equal(r.cached, false);
  assert.equal((await openStore(storeDir(root, fp), { verify: true })).split('train').nTokens, 20);
  assert.deepEqual((await readdir(join(root, 'stores'))).sort(), [fp]);
});

test('missing files and a bad meta.json are WM_ERR_STORE naming the file', async () => {
  const root = await tmp();
  await ensureStore({ root, fingerprint: 'm', inputs: {} }, (w) => writeDocs(w));
  const dir = storeDir(root, 'm');
  await rm(join(dir, 'valid.docs.bin'));
  await assert.rejects(openStore(dir), { code: 'WM_ERR_STORE', message: /valid\.docs\.bin is missing/ });
  await writeFile(join(dir, 'meta.json'), '{"magic": "nope"}');
  await assert.rejects(openStore(dir), { code: 'WM_ERR_STORE', message: /magic/ });
});

test('a failing build leaves no store and no temp dir behind', async () => {
  const root = await tmp();
  await assert.rejects(ensureStore({ root, fingerprint: 'fail', inputs: {} }, async (w) => {
    w.appendDoc('train', w.counter.addTokens(['a']));
    throw new Error('tokenizer exploded');
  }), /tokenizer exploded/);
  assert.deepEqual(await readdir(join(root, 'stores')), []);
});

test('a vocabulary without unk that misses a token fails with WM_ERR_VOCAB', async () => {
  const root = await tmp();
  await assert.rejects(ensureStore({ root, fingerprint: 'nounk', inputs: {} }, async (w) => {
    w.appendDoc('train', w.counter.addTokens(['a', 'b']));
    return w.finish(new Vocab(['a']));
  }), { code: 'WM_ERR_VOCAB', message: /"b"/ });
  assert.deepEqual(await readdir(join(root, 'stores')), []);
});

test('split names must be file-safe; mixed labelled/unlabelled docs in a split are rejected', async () => {
  const root = await tmp();
  const w = await StoreWriter.create({ root, fingerprint: 'x', inputs: {} });
  assert.throws(() => w.appendDoc('../evil', new Uint32Array(0)), { code: 'WM_ERR_SPEC' });
  w.appendDoc('train', w.counter.addTokens(['a']), 'pos');
  w.appendDoc('train', w.counter.addTokens(['a']));
  await assert.rejects(w.finish(new Vocab(['xxunk', 'a'])), { code: 'WM_ERR_SPEC', message: /1 of 2 documents/ });
});

test('publishStore writes the same store without loading it; ensureStore opens it after a void build', async () => {
  const root = await tmp();
  let meta: Awaited<ReturnType<StoreWriter['publishStore']>> | undefined;
  const { store } = await ensureStore({ root, fingerprint: 'pub', inputs: { p: 1 } }, async (w) => {
    w.appendDoc('train', w.counter.addTokens(['a', 'b', 'a']));
    meta = await w.publishStore(buildVocab(w.counter, { minFreq: 1 }));
  });
  assert.equal(meta!.splits.train.tokens, 3);
  assert.deepEqual(store.meta, meta);
  assert.deepEqual(store.vocab.decode(store.split('train').tokens), ['a', 'b', 'a']);
});

test('a vocabulary loaded without counts gets the corpus counts of its entries in vocab.json', async () => {
  const root = await tmp();
  const { store } = await ensureStore({ root, fingerprint: 'loaded', inputs: {} }, async (w) => {
    w.appendDoc('train', w.counter.addTokens(['b', 'a', 'b', 'zz']));
    return w.finish(new Vocab(['xxunk', 'a', 'b']));
  });
  assert.deepEqual([...store.vocab.counts], [0, 1, 2]);
  assert.deepEqual([...store.split('train').tokens], [2, 1, 2, 0]);
});

test('large splits round-trip exactly across spill buffers and 4 MiB rewrite chunks', async () => {
  const root = await tmp();
  const n = 2_500_000;
  const distinct = Array.from({ length: 1000 }, (_, i) => `t${i}`);
  const ids = new Uint32Array(n).map((_, i) => (i * 7919 + (i >>> 10)) % 1000);
  const { store } = await ensureStore({ root, fingerprint: 'large', inputs: {}, bufferBytes: 4096 }, async (w) => {
    const prov = w.counter.addChunk(distinct, ids);
    for (let off = 0; off < n; off += 3001) w.appendDoc('train', prov.subarray(off, Math.min(n, off + 3001)));
    return w.finish(buildVocab(w.counter, { minFreq: 1, padMultiple: 0 }));
  });
  const t = store.split('train');
  assert.equal(t.nTokens, n);
  assert.equal(t.nDocs, Math.ceil(n / 3001));
  assert.equal(t.docStarts[t.nDocs - 1], (t.nDocs - 1) * 3001);
  const v = store.vocab;
  for (let i = 0; i < n; i += 997) assert.equal(v.itos[t.tokens[i]], distinct[ids[i]]);
  assert.equal(v.itos[t.tokens[n - 1]], distinct[ids[n - 1]]);
});
