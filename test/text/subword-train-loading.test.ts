import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Normalizer, SPACE } from '../../src/text/subword/normalizer.js';
import { cmpCodePoints, countWords, IDENTITY, UNK_CHAR, type SentenceOptions, type WordCounts } from '../../src/text/subword/train/sentences.js';
import { trainBpe } from '../../src/text/subword/train/bpe.js';
import { WordmillError } from '../../src/errors.js';

/**
 * countWords the plain way (strings, one Map per step; wordmill's loader before it worked on code
 * units): normalize, cut meta pieces one after another longest first, count characters, keep the
 * alphabet, split at `▁`.
 */
function reference(lines: string[], opts: SentenceOptions): WordCounts {
  const norm = new Normalizer(IDENTITY);
  const metas = [...opts.meta].sort((a, b) => b.length - a.length);
  const sentences: string[] = [];
  const chars = new Map<string, number>();
  for (const line of lines) {
    if (line === '' || Buffer.byteLength(line, 'utf8') > opts.maxSentenceLength || line.includes(UNK_CHAR)) continue;
    let s = norm.normalize(line);
    for (const m of metas) if (m !== '' && s.includes(m)) s = s.split(m).join(UNK_CHAR);
    if (s === '') continue;
    sentences.push(s);
    for (const c of s) chars.set(c, (chars.get(c) ?? 0) + 1);
  }
  chars.delete(UNK_CHAR);
  let all = 0;
  for (const n of chars.values()) all += n;
  const required: Array<[string, number]> = [];
  let acc = 0;
  for (const [c, n] of [...chars].sort((a, b) => b[1] - a[1] || cmpCodePoints(a[0], b[0]))) {
    if (acc / all >= opts.characterCoverage) break;
    acc += n;
    if (c !== '\t') required.push([c, n]);
  }
  const alphabet = new Set(required.map(([c]) => c));
  const counts = new Map<string, [number, number]>();
  for (const raw of sentences) {
    const s = Array.from(raw, (c) => (alphabet.has(c) ? c : UNK_CHAR)).join('');
    const cuts = [...s.matchAll(new RegExp(SPACE, 'g'))].map((m) => m.index).filter((i) => i > 0);
    const bounds = [0, ...cuts, s.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const e = counts.get(s.slice(bounds[i], bounds[i + 1])) ?? [0, 0];
      e[0]++;
      if (i + 2 === bounds.length) e[1]++;
      counts.set(s.slice(bounds[i], bounds[i + 1]), e);
    }
  }
  const words = [...counts.keys()].sort((a, b) => counts.get(b)![0] - counts.get(a)![0] || cmpCodePoints(a, b));
  return { words, counts: Float64Array.from(words, (w) => counts.get(w)![0]), ends: Float64Array.from(words, (w) => counts.get(w)![1]), required };
}

// Spaces at the ends and in runs, tabs, literal ▁, astral characters (𝑥, emoji) and lone
// surrogates, a line holding U+2585 (skipped), a line over the byte limit, meta pieces everywhere.
const LINES = [
  '  the cat  sat on the   mat ', '\tthe dog', 'xxmaj the xxmaj dog xxup sat', 'xxmajor xxup xxmaj', '▁already ▁escaped ▁▁ text',
  'math 𝑥 + 𝑦 = 𝑧 𝑥𝑥', 'emoji 😀😀 and 😀', 'lone \ud800 high and \udc00 low \ud800\udc00 pair', 'skip \u2585 this', '',
  '     ', 'x'.repeat(50), 'the the the cat cat xxrep 3 a', '<unk> and <unk>x x<unk>', 'ab abc abcd abcab',
];

test('subword loading: words, counts, sentence ends and alphabet are the plain string implementation\'s', () => {
  const metas = [['▁xxmaj', '▁xxup', '▁xxrep', '<unk>'], ['▁xx', '▁xxmaj', 'aj▁'], ['ab', 'bc', 'abc'], ['bcd', 'ab'], ['▁'], []];
  for (const meta of metas) {
    for (const characterCoverage of [1, 0.99, 0.9, 0.5, 0.1]) {
      const opts = { maxSentenceLength: 40, characterCoverage, meta };
      assert.deepEqual(countWords(LINES, opts), reference(LINES, opts), `meta ${JSON.stringify(meta)}, coverage ${characterCoverage}`);
    }
  }
});

test('subword loading: the same with only characters below U+D800', () => {
  const bmp = LINES.filter((l) => !/[\ud800-\uffff]/.test(l));
  assert.ok(bmp.length >= 10);
  for (const characterCoverage of [1, 0.9]) {
    const opts = { maxSentenceLength: 40, characterCoverage, meta: ['▁xxmaj', '▁xxup', '<unk>'] };
    assert.deepEqual(countWords(bmp, opts), reference(bmp, opts));
  }
});

test('subword loading: with `▁` outside the alphabet, every sentence is one word', () => {
  const lines = ['xxxxxxxxxx a', 'xxxxxxxx b', 'xxxxx', 'xxxxx'];
  const opts = { maxSentenceLength: 4192, characterCoverage: 0.5, meta: [] };
  const got = countWords(lines, opts);
  assert.deepEqual(got.required, [['x', 28]]);
  assert.deepEqual(got, reference(lines, opts));
  assert.deepEqual(got.words, ['▅xxxxx', '▅xxxxxxxxxx▅▅', '▅xxxxxxxx▅▅']);
});

test('subword loading: lines from any iterable (a generator), the buffer growing as they come', () => {
  const many = Array.from({ length: 3000 }, (_, i) => `${LINES[i % LINES.length]} w${i % 97} ${'y'.repeat(i % 40)}`);
  const opts = { maxSentenceLength: 4192, characterCoverage: 0.9995, meta: ['▁xxmaj'] };
  assert.deepEqual(countWords((function* () { yield* many; })(), opts), reference(many, opts));
});

/**
 * BPE the plain way: every round recounts every pair of every word and merges the best one
 * everywhere, left to right. Stops where two different pairs spelling one text tie (the trainer
 * then takes the one it met first, which a recount cannot tell).
 */
function plainBpe(wc: WordCounts, pieces: number, maxLength: number): Array<[string, number]> {
  const words = wc.words.map((w) => Array.from(w));
  const taken = new Set<string>();
  const dropped = new Set<string>();
  const out: Array<[string, number]> = [];
  while (out.length < pieces - wc.required.length) {
    const freq = new Map<string, { f: number; a: string; b: string }>();
    words.forEach((w, i) => {
      for (let k = 0; k + 1 < w.length; k++) {
        const key = `${w[k]}\u0000${w[k + 1]}`;
        const e = freq.get(key) ?? { f: 0, a: w[k], b: w[k + 1] };
        e.f += wc.counts[i];
        freq.set(key, e);
      }
    });
    const ok = [...freq].filter(([k, e]) => {
      const t = e.a + e.b;
      return !dropped.has(k) && [...t].length <= maxLength && !t.includes(UNK_CHAR) && !t.slice(1).includes(SPACE);
    });
    if (!ok.length) break;
    const rank = (x: { f: number; a: string; b: string }, y: { f: number; a: string; b: string }): number =>
      y.f - x.f || [...x.a + x.b].length - [...y.a + y.b].length || cmpCodePoints(x.a + x.b, y.a + y.b);
    ok.sort((x, y) => rank(x[1], y[1]));
    if (ok.length > 1 && rank(ok[0][1], ok[1][1]) === 0) break;
    const [key, { a, b }] = ok[0];
    dropped.add(key);
    if (taken.has(a + b)) continue;
    taken.add(a + b);
    out.push([a + b, -out.length]);
    for (const w of words) {
      for (let k = 0; k + 1 < w.length; k++) if (w[k] === a && w[k + 1] === b) w.splice(k, 2, a + b);
    }
  }
  return out;
}

test('subword BPE: the merges of a full recount each round, runs of one symbol ("aaaa") merged left to right', () => {
  const lines = ['aaaa aaa aa a aaaaa', '𝑥𝑥 𝑥𝑦𝑥𝑦 😀😀😀 😀😀', 'banana bandana ananas', 'abab ababab abba baba', 'the cat the hat that chat', 'aaaa bbbb abab baba'];
  for (const copies of [1, 3]) {
    const wc = countWords(Array.from({ length: copies }, () => lines).flat().concat(lines.slice(0, 2)), { maxSentenceLength: 4192, characterCoverage: 1, meta: [] });
    for (const maxLength of [16, 3]) {
      const want = plainBpe(wc, 200, maxLength);
      assert.ok(want.length >= 15, `${want.length} merges before a tie between two spellings`);
      assert.deepEqual(trainBpe(wc, { pieces: 200, maxPieceLength: maxLength }).slice(0, want.length), want, `copies ${copies}, max ${maxLength}`);
    }
  }
});

test('subword BPE: a word count that is not a 32-bit count is refused (positions keep counts in 32 bits)', () => {
  const wc: WordCounts = { words: ['▁ab', '▁ba'], counts: Float64Array.of(2 ** 32, 1), ends: Float64Array.of(0, 1), required: [['▁', 2], ['a', 2], ['b', 2]] };
  assert.throws(() => trainBpe(wc, { pieces: 10, maxPieceLength: 16 }), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_TRAIN' && /32-bit count/.test(e.message));
  wc.counts[0] = 2 ** 32 - 1;
  assert.deepEqual(trainBpe(wc, { pieces: 5, maxPieceLength: 16 }).map(([p]) => p), ['ab', '▁ab', '▁', 'a', 'b']);
});
