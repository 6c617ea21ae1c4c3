import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { createBatchStream } from '../../src/batch/index.js';
import { register } from '../../src/cli/commands/inspect.js';
import { formatReport, formatShown, inspectStore, showBatch, writeZipfSvg } from '../../src/inspect/index.js';
import { ensureStore, type TokenStore } from '../../src/store/index.js';
import { buildVocab } from '../../src/vocab/index.js';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function makeStore(labels = false): Promise<TokenStore> {
  const root = await mkdtemp(join(tmpdir(), 'wm-inspect-'));
  dirs.push(root);
  const docs = [
    'xxbos the cat sat on the mat', 'xxbos the dog sat on the log', 'xxbos a cat and a dog',
    'xxbos the end', 'xxbos the cat sat', 'xxbos on the mat the cat sat and sat and sat',
  ];
  const { store } = await ensureStore({ root, fingerprint: labels ? 'lab' : 'lm', inputs: {} }, async (w) => {
    docs.forEach((d, i) => w.appendDoc(i === 5 ? 'valid' : 'train', w.counter.addTokens(d.split(' ')), labels ? (i % 2 ? 'pos' : 'neg') : undefined));
    return w.finish(buildVocab(w.counter, { minFreq: 2 }));
  });
  return store;
}

test('inspectStore: sizes, top tokens, unk rate, length statistics and histogram', async () => {
  const store = await makeStore();
  const r = inspectStore(store, { top: 3 });
  assert.equal(r.vocabSize, store.vocab.size);
  assert.deepEqual(r.top, [{ token: 'the', count: 8 }, { token: 'xxbos', count: 6 }, { token: 'sat', count: 6 }]);
  const t = r.splits.train;
  assert.equal(t.docs, 5);
  assert.equal(t.tokens, 7 + 7 + 6 + 3 + 4);
  // dog, log … : tokens seen once in the whole corpus become xxunk.
  const unk = ['log', 'end'].length;
  assert.equal(t.unkRate, unk / t.tokens);
  assert.deepEqual(t.length, { min: 3, median: 6, mean: 27 / 5, max: 7 });
  assert.deepEqual(t.histogram, [{ from: 0, to: 1, docs: 0 }, { from: 1, to: 2, docs: 0 }, { from: 2, to: 4, docs: 1 }, { from: 4, to: 8, docs: 4 }]);
  const text = formatReport(r);
  assert.match(text, /train\s+5\s+27/);
  assert.match(text, /"the"\s+8/);
});

test('writeZipfSvg draws a log–log rank/frequency line with d2l\'s axis labels', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wm-zipf-'));
  dirs.push(dir);
  const path = join(dir, 'zipf.svg');
  const counts = Array.from({ length: 5000 }, (_, i) => Math.floor(100000 / (i + 1)));
  await writeZipfSvg([0, ...counts], path);
  const svg = await readFile(path, 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /token: x/);
  assert.match(svg, /frequency: n\(x\)/);
  const pts = svg.match(/points="([^"]+)"/)![1].split(' ').map((p) => p.split(',').map(Number));
  assert.ok(pts.length > 100 && pts.length <= 401);
  // Zipf's law: a straight falling line in log–log space, x increasing, y (SVG, downwards) increasing.
  for (let i = 1; i < pts.length; i++) {
    assert.ok(pts[i][0] > pts[i - 1][0]);
    assert.ok(pts[i][1] >= pts[i - 1][1]);
  }
  await assert.rejects(writeZipfSvg([0, 0], path), { code: 'WM_ERR_STORE' });
});

test('showBatch decodes LM batches as x / y text and classification batches with labels', async () => {
  const store = await makeStore();
  const shown = showBatch(store, createBatchStream('lm', store.split('train'), { bs: 2, seqLen: 4 }), 2);
  assert.equal(shown.length, 2);
  assert.deepEqual(shown[0][0], { x: 'xxbos the cat sat', y: 'the cat sat on' });
  assert.equal(shown[1][0].x, 'on the mat xxbos');
  const seqMajor = showBatch(store, createBatchStream('bptt', store.split('train'), { bs: 2, seqLen: 4 }), 1);
  assert.equal(seqMajor[0][0].x, 'xxbos the cat sat');
  const cls = await makeStore(true);
  const c = showBatch(cls, createBatchStream('sortish', cls.split('train'), { bs: 2 }), 1);
  assert.deepEqual(c[0][0], { x: 'xxbos the cat sat on the mat', label: 'neg', index: 0, tokens: 7 });
  assert.equal(c[0][1].label, 'pos');
  assert.match(formatShown(c), /label: neg/);
});

test('inspect on a labelled corpus with one huge document: rows lose their padding and are cut at trunc_at (issue 10 item 18)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wm-inspect-'));
  dirs.push(root);
  const huge = ['xxbos', ...Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'cat' : 'sat'))].join(' ');
  const { store } = await ensureStore({ root, fingerprint: 'huge', inputs: {} }, async (w) => {
    for (const [d, l] of [[huge, 'spam'], ['xxbos the cat sat', 'ham'], ['xxbos the cat', 'ham']]) w.appendDoc('train', w.counter.addTokens(d.split(' ')), l);
    return w.finish(buildVocab(w.counter, { minFreq: 1 }));
  });
  const shown = showBatch(store, createBatchStream('sortish', store.split('train'), { bs: 3 }), 1);
  const [big, short] = shown[0];
  assert.equal(big.tokens, 20_001);
  assert.equal(big.x.split(' ').length, 150 + 1, '150 tokens and the ellipsis');
  assert.ok(big.x.endsWith(' …'));
  assert.equal(short.x, 'xxbos the cat sat', 'a short row padded to 20,001 shows no xxpad');
  assert.equal(short.label, 'ham');
  const text = formatShown(shown);
  assert.doesNotMatch(text, /xxpad/);
  assert.ok(text.length < 2000, `${text.length} characters`);
  assert.match(text, /label: spam {2}\(document 0, 20001 tokens\)/);
  const out = await runCli([store.dir, '--no-zipf', '--bs', '3', '--trunc-at', '5'], async () => store);
  assert.match(out, /\[0\] x: xxbos sat cat sat cat …\n/);
  // One batch of 3 at width 20,001: 2 × 20,001 − 4 − 3 cells of padding.
  assert.match(out, /train: sortish padding 66\.66 % of an epoch's 60,003 cells \(bs 3, whole documents\)/);
  assert.doesNotMatch(out, /xxpad/);
});

async function runCli(args: string[], resolve: (p: string) => Promise<TokenStore>): Promise<string> {
  const program = new Command().exitOverride();
  register(program, { resolveStore: (p) => resolve(p) });
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { chunks.push(String(s)); return true; }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'wordmill', 'inspect', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

test('inspect command: a store dir opens directly; a pipeline name goes through resolveStore; --json', async () => {
  const store = await makeStore();
  const seen: string[] = [];
  const resolve = async (p: string) => { seen.push(p); return store; };
  const text = await runCli([store.dir, '--bs', '2', '--seq-len', '3'], resolve);
  assert.deepEqual(seen, []);
  assert.match(text, /vocabulary\s+\d+ entries/);
  assert.match(text, /\[0\] x: xxbos the cat/);
  assert.match(text, new RegExp(`zipf plot: ${join(store.dir, 'zipf.svg').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const json = await runCli(['wikitext-2', '--json', '--no-zipf', '--batches', '0'], resolve);
  assert.deepEqual(seen, ['wikitext-2']);
  const lines = json.trim().split('\n');
  const report = JSON.parse(lines[lines.length - 1]);
  assert.equal(report.splits.train.docs, 5);
  assert.equal(report.zipf, undefined);
  assert.deepEqual(report.batches, []);
});
