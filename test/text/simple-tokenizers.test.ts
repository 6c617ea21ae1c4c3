import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BasicEnglishTokenizer, CharTokenizer, WhitespaceTokenizer, makeTokenizer, TOKENIZER_NAMES } from '../../src/text/index.js';
import { WordmillError } from '../../src/errors.js';

test('WhitespaceTokenizer is fastai BaseTokenizer: split on single spaces, empty strings kept', () => {
  const t = new WhitespaceTokenizer();
  for (const [input, want] of [
    ['a b c', ['a', 'b', 'c']],
    ['a  b', ['a', '', 'b']],
    ['a\nb', ['a\nb']],
    ['', ['']],
  ] as Array<[string, string[]]>) assert.deepEqual(t.tokenize(input), want);
});

test('CharTokenizer is d2l char tokens: one per code point', () => {
  const t = new CharTokenizer();
  assert.deepEqual(t.tokenize('the time'), ['t', 'h', 'e', ' ', 't', 'i', 'm', 'e']);
  assert.deepEqual(t.tokenize('a😀'), ['a', '😀']);
  assert.deepEqual(t.tokenize(''), []);
});

test('BasicEnglishTokenizer is torchtext basic_english', () => {
  const t = new BasicEnglishTokenizer();
  for (const [input, want] of [
    ['You can now install TorchText using pip!', ['you', 'can', 'now', 'install', 'torchtext', 'using', 'pip', '!']],
    ["It's \"quoted\", (really)? Yes; no: ok.", ['it', "'", 's', 'quoted', ',', '(', 'really', ')', '?', 'yes', 'no', 'ok', '.']],
    ['a<br />b', ['a', 'b']],
    ['x\u00a0\u2009y', ['x', 'y']],
  ] as Array<[string, string[]]>) assert.deepEqual(t.tokenize(input), want, input);
});

test('makeTokenizer builds each named tokenizer and rejects unknown names', () => {
  for (const name of TOKENIZER_NAMES) if (name !== 'subword') assert.equal(makeTokenizer(name).name, name);
  assert.throws(() => makeTokenizer('subword'), /text\.subword\.model/);
  assert.throws(() => makeTokenizer('nope' as never), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_SPEC' && /nope/.test(e.message));
});
