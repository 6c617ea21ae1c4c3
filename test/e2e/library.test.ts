import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline } from 'node:stream/promises';
import {
  TokenCounter, buildVocab, createBatchStream, defaultContext, humanNumbersDocs, tokenizeDocs,
  type Doc, type TokenChunk,
} from '../../src/index.js';

test('the stages compose with stream/promises.pipeline from the public entry', async () => {
  const counter = new TokenCounter();
  const perSplit = new Map<string, number[]>();
  await pipeline(
    humanNumbersDocs(),
    (docs: AsyncIterable<Doc>) => tokenizeDocs(docs, { text: { rules: 'none', tokenizer: 'whitespace' }, workers: 2 }, defaultContext()),
    async (chunks: AsyncIterable<TokenChunk>) => {
      for await (const c of chunks) {
        const ids = counter.addPooled(c.tokens, c.ids);
        let off = 0;
        c.docs.forEach((d, i) => {
          perSplit.set(d.split, [...(perSplit.get(d.split) ?? []), ...ids.subarray(off, off + c.lengths[i])]);
          off += c.lengths[i];
        });
      }
    },
  );
  const vocab = buildVocab(counter, { specials: 'none', minFreq: 1, order: 'first', padMultiple: 0 });
  assert.equal(vocab.itos.length, 30);
  assert.deepEqual(vocab.itos.slice(0, 4), ['one', '.', 'two', 'three']);
  const train = Uint32Array.from(perSplit.get('train')!);
  const stream = createBatchStream('lm', { tokens: train, docStarts: [0, train.length] }, { bs: 64, seqLen: 16 });
  let targets = 0;
  for (const b of stream) targets += (b as { y: Int32Array }).y.length;
  assert.equal(targets, Math.floor((train.length - 1) / 64) * 64, 'every usable token is a target once');
});

test('an error injected downstream closes every upstream stage', async () => {
  let sourceClosed = false;
  async function* source(): AsyncGenerator<Doc> {
    try {
      for (let i = 0; i < 10_000; i++) yield { id: `d${i}`, split: 'train', text: `doc ${i} `.repeat(50) };
    } finally {
      sourceClosed = true;
    }
  }
  let seen = 0;
  await assert.rejects(pipeline(
    source(),
    (docs: AsyncIterable<Doc>) => tokenizeDocs(docs, { text: { rules: 'none', tokenizer: 'whitespace' }, workers: 2, chunkChars: 4096 }, defaultContext()),
    async (chunks: AsyncIterable<TokenChunk>) => {
      for await (const _ of chunks) {
        if (++seen === 3) throw new Error('sink failed');
      }
    },
  ), /sink failed/);
  assert.equal(seen, 3);
  assert.ok(sourceClosed, 'the source generator was closed');
});
