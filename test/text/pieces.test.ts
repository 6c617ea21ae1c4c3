import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { readDocuments } from '../../src/extract/index.js';
import type { TextSpec } from '../../src/pipeline/spec.js';
import { recut } from '../../src/pool/pieces.js';
import { tokenizeDocs } from '../../src/pool/pool.js';
import { defaultContext } from '../../src/stage.js';
import { makeTextCutter } from '../../src/text/cut.js';
import { makeTextProcessor } from '../../src/text/index.js';
import type { Doc } from '../../src/types.js';
import { withTmp } from '../util/tmp.js';

/** Deterministic text heavy in what fastai's rules and spaCy's special cases react to. */
function corpus(seed: number, chars: number, sep = () => ' '): string {
  const words = ['the', 'The', 'THE', 'cat', 'Cat', 'CAT', 'sat', 'on', 'mat', 'aaaa', 'zzzzzz', "can't", "don't", 'U.S.', 'e.g.',
    'Hello', 'world', 'http://example.com/a?b=c', 'www.x.org', ':)', "''", "'", '"', '(', ')', '...', '-', '@-@', '@.@', ',', '.',
    '<br />', '&amp;', '#39;', 'nbsp;', '\\n', 'xxbos', 'xxmaj', 'naïve', 'Café', '日本', '3pm', '10km', 'St.', 'Mr.', "''Hello''",
    'a', 'b', 'c', 'word', 'word', 'word', 'x/y', '#tag', '\n', '\t', 'OK!', 'isn\'t', 'students\''];
  let s = seed >>> 0;
  const rnd = (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    // Runs of one word (replace_wrep) now and then.
    const w = words[rnd(words.length)];
    const reps = rnd(12) === 0 ? 2 + rnd(4) : 1;
    for (let r = 0; r < reps; r++) {
      const space = rnd(15) === 0 ? '  ' : rnd(25) === 0 ? ' \n ' : sep();
      parts.push(w, space);
      n += w.length + space.length;
    }
  }
  return parts.join('');
}

const SPECS: TextSpec[] = [
  { rules: 'fastai', tokenizer: 'spacy-en' },
  { rules: 'fastai-wikitext', tokenizer: 'spacy-en' },
  { rules: 'none', tokenizer: 'spacy-en' },
  { rules: 'fastai', tokenizer: 'whitespace' },
  { rules: 'none', tokenizer: 'whitespace' },
  { rules: 'none', tokenizer: 'char' },
  { rules: 'none', tokenizer: 'basic-english' },
  { rules: 'fastai', tokenizer: 'spacy-en', eos: true },
];

test('every cut makeTextCutter finds leaves the tokens unchanged, for each rule set and tokenizer (property)', () => {
  for (const spec of SPECS) {
    const cut = makeTextCutter(spec)!;
    const proc = makeTextProcessor(spec);
    let cuts = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const text = corpus(seed, 3000);
      const whole = proc(text);
      // Cut into many pieces at successive safe points and compare the concatenation.
      const pieces: string[] = [];
      let rest = text;
      for (let at = cut(rest, 200); at > 0; at = cut(rest, 200)) {
        pieces.push(rest.slice(0, at));
        rest = rest.slice(at);
      }
      pieces.push(rest);
      cuts += pieces.length - 1;
      const joined = pieces.flatMap((p, k) => proc(p, { first: k === 0, last: k === pieces.length - 1 }));
      assert.deepEqual(joined, whole, `${JSON.stringify(spec)} seed ${seed}: ${pieces.length} pieces`);
    }
    assert.ok(cuts > 24, `${JSON.stringify(spec)}: only ${cuts} cuts found: too timid to stream with`);
  }
});

test("d2l's line-joining rule cannot be cut: such documents stay whole", () => {
  assert.equal(makeTextCutter({ rules: ['d2lTimeMachine'], tokenizer: 'char' }), undefined);
});

test('recut holds at most about pieceChars of a document, whatever its size', async () => {
  const spec: TextSpec = { rules: 'fastai', tokenizer: 'spacy-en' };
  const text = corpus(7, 1 << 21); // 2 MiB on one line
  async function* one(): AsyncGenerator<Doc> {
    // As extract gives it: pieces of 100 KB cut anywhere (here at fixed offsets, inside words).
    for (let i = 0; i < text.length; i += 100_000) {
      yield { id: 'big#0', split: 'train', text: text.slice(i, i + 100_000), piece: { first: i === 0, last: i + 100_000 >= text.length } };
    }
    yield { id: 'small#0', split: 'train', text: 'after it' };
  }
  const out: Doc[] = [];
  for await (const d of recut(one(), spec, 1 << 16)) out.push(d);
  assert.equal(out.at(-1)!.id, 'small#0');
  assert.equal(out.at(-1)!.piece, undefined);
  const big = out.slice(0, -1);
  assert.ok(big.length > 20, `${big.length} pieces`);
  assert.ok(big.every((d) => d.id === 'big#0'));
  assert.deepEqual(big.map((d) => d.piece), big.map((_, k) => ({ first: k === 0, last: k === big.length - 1 })));
  const longest = Math.max(...big.map((d) => d.text.length));
  assert.ok(longest <= (1 << 16) + (1 << 16) + 100_000, `longest piece ${longest} chars`);
  assert.equal(big.map((d) => d.text).join(''), text);
});

test('a multi-MB document through extract, the pool and real workers has exactly the tokens of the whole (fastai + spaCy)', async () => {
  await withTmp(async (dir) => {
    const spec: TextSpec = { rules: 'fastai', tokenizer: 'spacy-en' };
    const text = corpus(3, 3 << 20, () => ' '); // 3 MiB, one line
    const file = path.join(dir, 'big.txt');
    await writeFile(file, text);
    const expected = makeTextProcessor(spec)(text);
    const files = [{ url: `file://${file}`, path: file, sha256: '', size: text.length, cached: true, name: 'big.txt' }];
    const docs = readDocuments(files, [{ glob: '*', split: 'train', docs: 'file' }], { pieceChars: 1 << 16 });
    const got: string[] = [];
    const ids = new Set<string>();
    let pieces = 0;
    for await (const c of tokenizeDocs(docs, { text: spec, workers: 2, pieceChars: 1 << 16 }, defaultContext())) {
      let off = 0;
      c.docs.forEach((h, k) => {
        ids.add(h.id);
        pieces++;
        for (let i = 0; i < c.lengths[k]; i++) got.push(c.tokens[c.ids[off + i]]);
        off += c.lengths[k];
      });
    }
    assert.deepEqual([...ids], ['big.txt#0'], 'one document id');
    assert.ok(pieces > 30, `${pieces} pieces`);
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
  });
});

test('extract gives a long file, line or article out in pieces that keep one id; stripTags stays exact', async () => {
  const { toDocuments } = await import('../../src/extract/index.js');
  const { Readable } = await import('node:stream');
  const tagged = Array.from({ length: 20_000 }, (_, i) => `w${i % 97}/nn`).join(' ');
  const long = 'x'.repeat(10) + ' ' + 'long line '.repeat(3000);
  const wiki = ` \n = Title = \n \n${' body text .\n'.repeat(2000)} \n = Next = \n \n short .\n`;
  const run = async (rules: Parameters<typeof toDocuments>[1], body: string) => {
    const out: Doc[] = [];
    const chunks = Array.from({ length: Math.ceil(body.length / 5000) }, (_, k) => Buffer.from(body.slice(k * 5000, (k + 1) * 5000)));
    for await (const d of toDocuments(Readable.from([{ path: 'm.txt', body: Readable.from(chunks) }]), rules, { pieceChars: 4096 })) out.push(d);
    return out;
  };
  const file = await run([{ glob: '*', split: 'train', docs: 'file', stripTags: true }], tagged);
  assert.ok(file.length > 10);
  assert.ok(file.every((d) => d.id === 'm.txt#0' && d.text.length < 4096 + 5000 + 10));
  assert.equal(file.map((d) => d.text).join(''), tagged.replace(/\/nn/g, ''));
  const lines = await run([{ glob: '*', split: 'train', docs: 'lines' }], `short one\n${long}\n\nlast\n`);
  const ids = lines.map((d) => d.id);
  assert.deepEqual([...new Set(ids)], ['m.txt#0', 'm.txt#1', 'm.txt#2']);
  assert.equal(lines.filter((d) => d.id === 'm.txt#1').map((d) => d.text).join(''), long);
  assert.ok(lines.filter((d) => d.id === 'm.txt#1').length > 3);
  assert.equal(lines.at(-1)!.text, 'last');
  const arts = await run([{ glob: '*', split: 'train', docs: 'wikitext-articles' }], wiki);
  assert.deepEqual([...new Set(arts.map((d) => d.id))], ['m.txt#0', 'm.txt#1']);
  assert.ok(arts.filter((d) => d.id === 'm.txt#0').length > 3);
  assert.equal(arts.map((d) => d.text).join(''), wiki);
});
