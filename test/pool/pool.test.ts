import { test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { PoolDictionary } from '../../src/pool/dictionary.js';
import { tokenizeDocs, type TokenChunk } from '../../src/pool/pool.js';
import { defaultContext } from '../../src/stage.js';
import type { Doc } from '../../src/types.js';
import { WordmillError } from '../../src/errors.js';

const FAULTY = new URL('../util/faulty-tokenize-worker.js', import.meta.url);
const text = { rules: 'none', tokenizer: 'whitespace' } as const;

async function* fromArray(docs: Doc[], counter?: { pulled: number }): AsyncGenerator<Doc> {
  for (const d of docs) {
    if (counter) counter.pulled++;
    yield d;
  }
}

function makeDocs(n: number, seed = 1): Doc[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: Math.floor(rand() * 40) }, () => `w${Math.floor(rand() * 50)}`);
    return { id: `doc-${i}`, split: i % 5 === 0 ? 'valid' : 'train', text: words.join(' ') };
  });
}

async function collect(chunks: AsyncIterable<TokenChunk>): Promise<{ ids: string[]; tokens: string[][] }> {
  const ids: string[] = [];
  const tokens: string[][] = [];
  for await (const c of chunks) {
    let off = 0;
    c.docs.forEach((d, i) => {
      ids.push(d.id);
      tokens.push(Array.from(c.ids.subarray(off, off + c.lengths[i]), (id) => c.tokens[id]));
      off += c.lengths[i];
    });
    assert.equal(off, c.ids.length, 'lengths cover every id of the chunk');
  }
  return { ids, tokens };
}

for (const workers of [1, 2, 4]) {
  test(`order kept and tokens conserved with ${workers} worker(s), real worker`, async () => {
    const docs = makeDocs(500);
    const out = await collect(tokenizeDocs(fromArray(docs), { text, workers, chunkChars: 2000 }, defaultContext()));
    assert.deepEqual(out.ids, docs.map((d) => d.id));
    // The whitespace tokenizer is fastai's BaseTokenizer: Python's str.split(' '), so '' gives [''].
    assert.deepEqual(out.tokens, docs.map((d) => d.text.split(' ')));
  });
}

test('never more than workers × inFlightPerThread chunks in flight', async () => {
  const docs = makeDocs(300).map((d) => ({ ...d, text: d.text || 'x' }));
  const counter = { pulled: 0 };
  let maxOutstanding = 0;
  let yielded = 0;
  // One document per chunk, so documents pulled but not yet yielded = chunks in flight (+1 being built).
  for await (const chunk of tokenizeDocs(fromArray(docs, counter), { text, workers: 2, inFlightPerThread: 2, chunkChars: 1, workerFile: FAULTY }, defaultContext())) {
    maxOutstanding = Math.max(maxOutstanding, counter.pulled - yielded);
    yielded += chunk.docs.length;
  }
  assert.equal(yielded, 300);
  assert.ok(maxOutstanding <= 2 * 2 + 1, `outstanding ${maxOutstanding}`);
  assert.ok(maxOutstanding >= 2, 'the pool did overlap work');
});

test('empty documents and an empty corpus', async () => {
  const docs: Doc[] = [{ id: 'a', split: 'train', text: '' }, { id: 'b', split: 'train', text: 'x y' }, { id: 'c', split: 'train', text: '' }];
  const out = await collect(tokenizeDocs(fromArray(docs), { text, workers: 2 }, defaultContext()));
  assert.deepEqual(out.tokens, [[''], ['x', 'y'], ['']]);
  const none = await collect(tokenizeDocs(fromArray([]), { text, workers: 1 }, defaultContext()));
  assert.deepEqual(none.ids, []);
});

test('a tokenizer that throws fails the run with WM_ERR_TOKENIZE naming the document', async () => {
  const docs = makeDocs(50);
  docs[37] = { id: 'the-bad-one', split: 'train', text: 'fine words @@throw@@ here' };
  await assert.rejects(
    collect(tokenizeDocs(fromArray(docs), { text, workers: 2, chunkChars: 100, workerFile: FAULTY }, defaultContext())),
    (err: WordmillError) => err.code === 'WM_ERR_TOKENIZE' && err.details.docId === 'the-bad-one' && /the-bad-one/.test(err.message),
  );
});

test('a WordmillError thrown in a worker crosses the thread with its code and details (toJSON/fromJSON)', async () => {
  const docs = makeDocs(10);
  docs[4] = { id: 'structured', split: 'train', text: 'x @@wmerror@@' };
  await assert.rejects(
    collect(tokenizeDocs(fromArray(docs), { text, workers: 1, chunkChars: 100, workerFile: FAULTY }, defaultContext())),
    (err: WordmillError) => {
      assert.ok(err instanceof WordmillError);
      assert.equal(err.code, 'WM_ERR_INPUT');
      assert.deepEqual(err.details, { member: 'm.txt', offset: 7, docId: 'structured' });
      assert.equal(err.message, 'tokenizing structured: injected input error');
      return true;
    },
  );
});

test('a worker that exits fails the run with WM_ERR_WORKER naming the chunk, promptly, even behind a slow chunk', async () => {
  const docs = makeDocs(20);
  docs[0] = { id: 'slow', split: 'train', text: 'a @@sleep1500@@' };
  docs[5] = { id: 'killer', split: 'train', text: 'b @@exit@@' };
  await assert.rejects(
    collect(tokenizeDocs(fromArray(docs), { text, workers: 2, chunkChars: 1, workerFile: FAULTY }, defaultContext())),
    (err: WordmillError) => err.code === 'WM_ERR_WORKER' && (err.details.docIds as string[]).includes('killer'),
  );
});

test('a worker that runs out of memory under resourceLimits fails the run, not the process', async () => {
  const docs = [{ id: 'hog', split: 'train', text: '@@oom@@' }];
  await assert.rejects(
    collect(tokenizeDocs(fromArray(docs), { text, workers: 1, maxWorkerHeapMB: 32, workerFile: FAULTY }, defaultContext())),
    (err: WordmillError) => err.code === 'WM_ERR_WORKER' && /hog/.test(err.message),
  );
});

test('an error in the source tears the pool down and surfaces', async () => {
  async function* broken(): AsyncGenerator<Doc> {
    yield* makeDocs(30);
    throw new Error('source exploded');
  }
  await assert.rejects(collect(tokenizeDocs(broken(), { text, workers: 2, chunkChars: 50 }, defaultContext())), /source exploded/);
});

test('a consumer that stops early does not leave the pool running', async () => {
  const gen = tokenizeDocs(fromArray(makeDocs(400)), { text, workers: 2, chunkChars: 10 }, defaultContext());
  const first = await gen.next();
  assert.equal(first.done, false);
  const ret = await gen.return(undefined);
  assert.equal(ret.done, true);
});

test('abort stops the run with WM_ERR_ABORTED', async () => {
  const controller = new AbortController();
  const docs = makeDocs(200).map((d) => ({ ...d, text: `${d.text} @@sleep20@@` }));
  const run = collect(tokenizeDocs(fromArray(docs), { text, workers: 2, chunkChars: 1, workerFile: FAULTY }, { ...defaultContext(), signal: controller.signal }));
  setTimeout(() => controller.abort(new Error('test abort')), 100);
  await assert.rejects(run, (err: WordmillError) => err.code === 'WM_ERR_ABORTED');
});

test('unknown pool options are rejected naming the option', async () => {
  await assert.rejects(
    collect(tokenizeDocs(fromArray([]), { text, workerz: 2 } as never, defaultContext())),
    (err: WordmillError) => err.code === 'WM_ERR_OPTION' && /workerz/.test(err.message),
  );
});

test('a worker id it never defined is WM_ERR_WORKER, also past the dictionary\'s id table', () => {
  const dict = new PoolDictionary();
  dict.register(1, 0, ['a', 'b']);
  const ids = Uint32Array.of(1, 0, 1);
  dict.merge(1, ids);
  assert.deepEqual([...ids], [0, 1, 0]);
  // 3 is inside the worker's id table (UNSET), 5000 beyond it (the table holds 1024): both are refused.
  for (const bad of [3, 5000]) {
    assert.throws(() => dict.merge(1, Uint32Array.of(0, bad)),
      (err: WordmillError) => err.code === 'WM_ERR_WORKER' && err.message.includes(`sent token ${bad} but defined only 2`));
  }
});

test('a pathological 20 MB single-line document and U+FFFD text go through the real spaCy-style worker', async () => {
  const line = 'Well, it\'s 3pm (really) -- see http://example.com/a?b=c & "quotes"... OK! '.repeat(20 * 1024 * 1024 / 76);
  const docs: Doc[] = [
    { id: 'big', split: 'train', text: line },
    { id: 'replaced', split: 'train', text: 'bad \uFFFD\uFFFD bytes\uFFFDhere' },
  ];
  let tokens = 0;
  const lengths: number[] = [];
  let continuing = false;
  for await (const c of tokenizeDocs(fromArray(docs), { text: { rules: 'fastai', tokenizer: 'spacy-en' }, workers: 2 }, defaultContext())) {
    tokens += c.ids.length;
    // The long document arrives in pieces (headers with `more`): add them up into one document.
    c.docs.forEach((h, k) => {
      if (continuing) lengths[lengths.length - 1] += c.lengths[k];
      else lengths.push(c.lengths[k]);
      continuing = h.more === true;
    });
    assert.ok(c.tokens.length < 100, 'a repeated line has few distinct tokens');
  }
  assert.equal(lengths.length, 2);
  assert.ok(lengths[0] > 4_000_000, `${lengths[0]} tokens`);
  assert.ok(lengths[1] >= 4);
  assert.equal(tokens, lengths[0] + lengths[1]);
});

test('a run that fails before its threads have loaded waits for them before terminating them (Node 20 aborts on a mid-import terminate)', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-load-')), 'loaded');
  process.env.WM_TEST_LOADED_FILE = file;
  const failing = async function* (): AsyncGenerator<Doc> {
    yield { id: 'a', split: 'train', text: 'x' };
    throw new WordmillError('WM_ERR_INPUT', 'injected source failure');
  };
  try {
    await assert.rejects(
      collect(tokenizeDocs(failing(), { text, workers: 2, chunkChars: 1, workerFile: new URL('../util/slow-load-worker.js', import.meta.url) }, defaultContext())),
      /injected source failure/,
    );
  } finally {
    delete process.env.WM_TEST_LOADED_FILE;
  }
  assert.equal(existsSync(file) ? readFileSync(file, 'utf8') : '', 'loaded\nloaded\n', 'both threads finished loading before destroy()');
});
