import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpacyEnglishTokenizer } from '../../src/text/index.js';

// Goldens from real spaCy (3.8.16, `spacy.blank('en')`, which scores 100% on the shared 3.5.4 parity set):
// bench/spacy_diff.py. spaCy runs its special-case matcher over the whole document, so a match crosses
// whitespace, and a match that crosses it claims its tokens even when its text is no special case.

const tok = new SpacyEnglishTokenizer();

test('special-case matches cross whitespace and block the next match there', () => {
  const cases: Array<[string, string[]]> = [
  ["a'' ''a", ["a", "''", "'", "'", "a"]],
  ["''Hello'' ''World''", ["''", "Hello", "''", "'", "'", "World", "''"]],
  ["students' ''x", ["students", "'", "'", "'", "x"]],
  ["a:) :)a", ["a", ":)", ":", ")", "a"]],
  ["x' ''", ["x", "'", "''"]],
  ["'' '' ''", ["''", "''", "''"]],
  ["(: :)", ["(:", ":)"]],
  ["a:) :) :)", ["a", ":)", ":)", ":)"]],
  ["He said ''yes'' ''no''.", ["He", "said", "''", "yes", "''", "'", "'", "no", "''", "."]],
  ["Calif. .", ["Calif.", "."]],
  ["'' ''a", ["''", "''", "a"]],
  [":( :(", [":(", ":("]],
  ["'''' ''''", ["'", "''", "'", "'", "''", "'"]],
  ["x'' ' ''", ["x", "''", "'", "''"]],
  ["8) 8)", ["8)", "8)"]],
  ["a.' '.", ["a.", "'", "'", "."]],
  ["(-: :-)", ["(-:", ":-)"]],
  ["'s 's", ["'s", "'s"]],
  ["a\n'' ''", ["a", "\n", "''", "''"]],
  ["a '' \n ''", ["a", "''", "\n ", "''"]],
  ];
  for (const [input, want] of cases) {
    assert.deepEqual(tok.tokenize(input), want, JSON.stringify(input));
    assert.deepEqual(tok.tokenizeSpans(input).map((s) => s.text), want, JSON.stringify(input));
  }
});

test('explain labels as spaCy does: one-token special cases are SPECIAL-1, matches relabel words', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
  ["'The", [["SPECIAL-1", "'"], ["TOKEN", "The"]]],
  ["schools'", [["TOKEN", "schools"], ["SPECIAL-1", "'"]]],
  ["students' ''x", [["TOKEN", "students"], ["SUFFIX", "'"], ["PREFIX", "'"], ["SPECIAL-1", "'"], ["TOKEN", "x"]]],
  ["a'' ''a", [["TOKEN", "a"], ["SPECIAL-1", "''"], ["SPECIAL-1", "''"], ["TOKEN", "a"]]],
  ["(Hello, can't) https://x.org", [["PREFIX", "("], ["TOKEN", "Hello"], ["SUFFIX", ","], ["SPECIAL-1", "ca"], ["SPECIAL-2", "n't"], ["SUFFIX", ")"], ["URL_MATCH", "https://x.org"]]],
  ["''Hi''", [["SPECIAL-1", "''"], ["TOKEN", "Hi"], ["SPECIAL-1", "''"]]],
  ["('s)", [["PREFIX", "("], ["SPECIAL-1", "'s"], ["SUFFIX", ")"]]],
  ["x' ''", [["TOKEN", "x"], ["SPECIAL-1", "'"], ["SPECIAL-1", "''"]]],
  [":) :)", [["SPECIAL-1", ":)"], ["SPECIAL-1", ":)"]]],
  ["Calif. .", [["SPECIAL-1", "Calif."], ["TOKEN", "."]]],
  ];
  for (const [input, want] of cases) assert.deepEqual(tok.explain(input), want, JSON.stringify(input));
});

/** Added special cases: with spaces, newlines, one-token affix patterns (`...`), and pieces that match again (`:):)`). */
const CUSTOM: Record<string, string[]> = {
  'a b c': ['a b c'], 'New York': ['New', ' ', 'York'], '...': ['.', '.', '.'], 'a  b': ['a  b'], 'a\nb': ['a', '\n', 'b'],
  ':):)': [':)', ':)'], 'b c': ['b c'], "'' ''": ["''", ' ', "''"],
};

test('added special cases with whitespace in them apply across chunks, as spaCy applies them', () => {
  const t = new SpacyEnglishTokenizer();
  for (const [k, v] of Object.entries(CUSTOM)) t.addSpecialCase(k, v);
  const cases: Array<[string, string[], Array<[string, string]>]> = [
  ["a b c", ["a b c"], [["SPECIAL-1", "a b c"]]],
  ["x a b c y", ["x", "a b c", "y"], [["TOKEN", "x"], ["SPECIAL-1", "a b c"], ["TOKEN", "y"]]],
  ["a b  c", ["a", "b", " ", "c"], [["SPECIAL-1", "a b c"]]],
  ["(a b c)", ["(", "a b c", ")"], [["PREFIX", "("], ["SPECIAL-1", "a b c"], ["SUFFIX", ")"]]],
  ["a b cd", ["a", "b", "cd"], [["TOKEN", "a"], ["TOKEN", "b"], ["TOKEN", "cd"]]],
  ["a b c b c", ["a b c", "b c"], [["SPECIAL-1", "a b c"], ["SPECIAL-1", "b c"]]],
  ["a b b c", ["a", "b", "b c"], [["TOKEN", "a"], ["TOKEN", "b"], ["SPECIAL-1", "b c"]]],
  ["New York's", ["New", " ", "York", "'s"], [["SPECIAL-1", "New"], ["SPECIAL-2", " "], ["SPECIAL-3", "York"], ["SUFFIX", "'s"]]],
  ["New  York", ["New", " ", "York"], [["SPECIAL-1", "New"], ["SPECIAL-2", " "], ["SPECIAL-3", "York"]]],
  ["hello...", ["hello", ".", ".", "."], [["TOKEN", "hello"], ["SPECIAL-1", "."], ["SPECIAL-2", "."], ["SPECIAL-3", "."]]],
  ["a  b", ["a  b"], [["TOKEN", "a"], ["TOKEN", "b"]]],
  ["a\nb", ["a", "\n", "b"], [["TOKEN", "a"], ["TOKEN", "b"]]],
  ["a \nb", ["a", "\n", "b"], [["TOKEN", "a"], ["TOKEN", "b"]]],
  [":):)", [":)", ":)"], [["SPECIAL-1", ":)"], ["SPECIAL-2", ":)"]]],
  ["x:):):)", ["x", ":)", ":)", ":", ")"], [["TOKEN", "x"], ["SPECIAL-1", ":)"], ["SPECIAL-2", ":)"], ["SPECIAL-1", ":)"]]],
  ["'' ''", ["''", "''"], [["SPECIAL-1", "''"], ["SPECIAL-1", "''"]]],
  ["'' '' ''", ["''", "''", "''"], [["SPECIAL-1", "''"], ["SPECIAL-1", "''"], ["SPECIAL-1", "''"]]],
  ["a b c.", ["a", "b", "c."], [["TOKEN", "a"], ["TOKEN", "b"], ["SPECIAL-1", "c."]]],
  ["\"a b c\"", ["\"", "a b c", "\""], [["PREFIX", "\""], ["SPECIAL-1", "a b c"], ["SUFFIX", "\""]]],
  ];
  for (const [input, want, explained] of cases) {
    assert.deepEqual(t.tokenize(input), want, JSON.stringify(input));
    assert.deepEqual(t.tokenizeSpans(input).map((s) => s.text), want, JSON.stringify(input));
    assert.deepEqual(t.explain(input), explained, JSON.stringify(input));
  }
});

test('the per-chunk cached path agrees with the document-wide algorithm (random texts through one cache: misses and hits)', () => {
  const frags = ['a', 'b', 'c', 'x', "'", "''", ':', ')', '(', ':)', '(:', '8)', '.', '...', 'Calif.', "can't", '"', '-', 'New', 'York', 'é'];
  const seps = ['', '', ' ', ' ', '  ', '\n', ' \n'];
  const warm = new SpacyEnglishTokenizer();
  warm.addSpecialCase('a b c', ['a b c']);
  warm.addSpecialCase("'' ''", ["''", ' ', "''"]);
  let s = 7;
  const rnd = (n: number): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n;
  for (let k = 0; k < 3000; k++) {
    let text = '';
    for (let j = 1 + rnd(16); j > 0; j--) text += frags[rnd(frags.length)] + seps[rnd(seps.length)];
    const want = warm.tokenizeSpans(text).map((t) => t.text);
    assert.deepEqual(warm.tokenize(text), want, JSON.stringify(text));
  }
});
