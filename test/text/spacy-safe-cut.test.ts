import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpacyEnglishTokenizer, SPECIAL_TOKENS } from '../../src/text/index.js';

const FRAGMENTS = ['a', 'b', 'c', 'The', 'Hello', 'x', "'", "''", ':', ')', '(', ':)', '(:', '8)', '.', '...', 'e.g.', 'Calif.',
  "can't", '-', ',', '"', 'http://x.org/a', 'www.b.com', 'xxbos', 'xxmaj', '\u00a0', 'é', '日本', '^_^', "'s", 'New', 'York'];
const SEPARATORS = ['', '', ' ', ' ', ' ', '  ', '\n', '\t', ' \n ', '\n\n'];

/** Deterministic random texts (mulberry32) heavy in special-case, affix and whitespace material. */
function* texts(seed: number, count: number): Generator<string> {
  let s = seed >>> 0;
  const rnd = (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  for (let k = 0; k < count; k++) {
    let text = '';
    for (let j = 1 + rnd(20); j > 0; j--) text += FRAGMENTS[rnd(FRAGMENTS.length)] + SEPARATORS[rnd(SEPARATORS.length)];
    yield text;
  }
}

function cuts(t: SpacyEnglishTokenizer, text: string): number[] {
  const out: number[] = [];
  for (let i = t.safeCut(text, 0); i >= 0; i = t.safeCut(text, i + 1)) out.push(i);
  return out;
}

function checkProperty(t: SpacyEnglishTokenizer, seed: number): void {
  let cut = 0;
  const tails = ["''a", ':)', ' b c', 'a', ' ', '\n', "' ''"];
  for (const text of texts(seed, 800)) {
    for (const i of cuts(t, text)) {
      cut++;
      assert.ok(i > 0 && i < text.length);
      for (const tail of ['', ...tails]) {
        const whole = text + tail;
        assert.deepEqual([...t.tokenize(text.slice(0, i)), ...t.tokenize(whole.slice(i))], t.tokenize(whole),
          `cut ${i} of ${JSON.stringify(whole)}`);
      }
    }
  }
  assert.ok(cut > 800, `only ${cut} cuts found: the predicate is too timid to stream with`);
}

test('every safe cut leaves the tokens unchanged, whatever text follows (property)', () => {
  checkProperty(new SpacyEnglishTokenizer(), 1);
});

test('the property has teeth: cutting at every word-ending space, ignoring special cases, fails it', () => {
  const t = new SpacyEnglishTokenizer();
  (t as unknown as { matcher: { canJoin: () => boolean } }).matcher.canJoin = () => false;
  assert.throws(() => checkProperty(t, 1), /cut \d+ of/);
});

test('safe cuts respect added special cases, multi-word ones included', () => {
  const t = new SpacyEnglishTokenizer();
  for (const s of SPECIAL_TOKENS) t.addSpecialCase(s, [s]);
  t.addSpecialCase('a b c', ['a b c']);
  t.addSpecialCase('New York', ['New', ' ', 'York']);
  t.addSpecialCase("'' ''", ["''", ' ', "''"]);
  checkProperty(t, 2);
  assert.equal(t.safeCut('x a b c d e', 0), 2);
  assert.equal(t.safeCut('x a b c d e', 3), 8); // not inside `a b c`
});

test('safeCut: after the space that ends a word, never where a special-case match can cross', () => {
  const t = new SpacyEnglishTokenizer();
  const cases: Array<[string, number, number]> = [
    ['a b c', 0, 2],
    ['a b', 0, -1], // `b` may go on past the text
    ['x  y z', 0, 2], // the cut keeps the second space a token of its own
    ['x\n\ny z w', 0, 5],
    ["a'' ''a b c", 0, 8], // `'` `'` can be matched across the space
    ['a:) :)a b c', 0, 8],
    ['Hello world again now', 7, 12],
    ['http://x.org/a b c', 0, 15],
    ['', 0, -1],
    ['abc', 0, -1],
  ];
  for (const [text, from, want] of cases) assert.equal(t.safeCut(text, from), want, JSON.stringify(text));
});
