import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpacyEnglishTokenizer, SPECIAL_TOKENS } from '../../src/text/index.js';

const tok = new SpacyEnglishTokenizer();
const table = (name: string, cases: Array<[string, string[]]>): void => {
  test(name, () => {
    for (const [input, want] of cases) assert.deepEqual(tok.tokenize(input), want, JSON.stringify(input));
  });
};

table('whitespace: one following space belongs to a token, other whitespace is a token', [
  ['', []],
  [' ', [' ']],
  ['a  b', ['a', ' ', 'b']],
  ['a\n\nb', ['a', '\n\n', 'b']],
  ['a \n b', ['a', '\n ', 'b']],
  [' a', [' ', 'a']],
  ['  x  ', ['  ', 'x', ' ']],
  ['a\u00a0b\u2009c\u200bd', ['a', '\u00a0', 'b', '\u2009', 'c\u200bd']], // ZWSP is not whitespace
  ['a\tb', ['a', '\t', 'b']],
]);

table('prefixes', [
  ['(hello', ['(', 'hello']],
  ['"quoted', ['"', 'quoted']],
  ['$5', ['$', '5']],
  ['US$100', ['US$', '100']],
  ['₹75', ['₹', '75']],
  ['+7', ['+7']], // \+(?![0-9])
  ['+x', ['+', 'x']],
  ['...so', ['...', 'so']],
  ['¿Qué', ['¿', 'Qué']],
  ['=====', ['=', '=', '=', '=', '=']],
]);

table('suffixes', [
  ['hello)', ['hello', ')']],
  ['end.', ['end', '.']],
  ['Well...', ['Well', '...']],
  ['wow!!', ['wow', '!', '!']],
  ["James's", ['James', "'s"]],
  ["Joneses'", ['Joneses', "'"]],
  ['5kg', ['5', 'kg']],
  ['12m².', ['12', 'm²', '.']],
  ['0.5%.', ['0.5', '%', '.']],
  ['100%+', ['100%+']],
  ['50¢', ['50¢']],
  ['UTC.', ['UTC', '.']], // (?<=[A-Z][A-Z])\.
  ['B.A.', ['B.A.']],
  ['look*.', ['look', '*', '.']], // PUNCT inside the lookbehind class
  ['-------', ['-------']],
]);

table('infixes', [
  ['state-of-the-art', ['state', '-', 'of', '-', 'the', '-', 'art']],
  ['pre-2000', ['pre-2000']],
  ['3/4-inch', ['3/4', '-', 'inch']],
  ['1990-2000', ['1990', '-', '2000']],
  ['2001–2010', ['2001–2010']],
  ['double--dash', ['double', '--', 'dash']],
  ['Washington.He', ['Washington', '.', 'He']],
  ['a,b', ['a', ',', 'b']],
  ['yes/no', ['yes', '/', 'no']],
  ['localhost:8080/api', ['localhost:8080', '/', 'api']],
  ['know…maybe', ['know', '…', 'maybe']],
  ['😀😃', ['😀', '😃']],
]);

table('exceptions: contractions in both cases, with straight and curly apostrophes', [
  ["don't", ['do', "n't"]],
  ["Can't", ['Ca', "n't"]],
  ["she'd've", ['she', "'d", "'ve"]],
  ['it’s', ['it', '’s']],
  ['it‘s', ['it‘s']],
  ['gonna', ['gon', 'na']],
  ['Gotta', ['Got', 'ta']],
  ['dont', ['do', 'nt']],
  ['ill', ['ill']], // excluded: a real word
  ["DON'T", ["DON'T"]], // no upper-case exceptions
  ["y'all", ["y'", 'all']],
  ['o’clock', ['o’clock']],
]);

table('exceptions: abbreviations, times, emoticons', [
  ['Mr.', ['Mr.']],
  ['Dr. Smith', ['Dr.', 'Smith']],
  ['approx.', ['approx', '.']],
  ['e.g.,', ['e.g.', ',']],
  ['(D-Calif.)', ['(', 'D', '-', 'Calif.', ')']], // special case restored by the matcher after infix splitting
  ['3pm', ['3', 'pm']],
  ['10:30', ['10:30']],
  ['6pm.', ['6', 'pm', '.']],
  [':) :-( </3', [':)', ':-(', '</3']],
  ['Hello:)', ['Hello', ':)']],
  ['C++', ['C++']],
  ['°C.', ['°', 'C', '.']],
]);

table('URLs and e-mail addresses (url_match)', [
  ['https://www.example.com/path?q=1&r=2#frag', ['https://www.example.com/path?q=1&r=2#frag']],
  ['github.com/user/repo', ['github.com/user/repo']],
  ['john.doe+tag@example.co.uk', ['john.doe+tag@example.co.uk']],
  ['(www.example.com).', ['(', 'www.example.com', ')', '.']],
  ['file:///tmp/x', ['file:///tmp', '/', 'x']],
  ['Link:https://t.co/AbC', ['Link', ':', 'https://t.co', '/', 'AbC']],
  ['192.168.0.1', ['192.168.0.1']], // private range: not a URL, and no rule splits it
]);

test('fastai special tokens registered as special cases survive affix splitting', () => {
  const t = new SpacyEnglishTokenizer();
  for (const s of SPECIAL_TOKENS) t.addSpecialCase(s, [s]);
  assert.deepEqual(t.tokenize('(xxmaj) xxmaj\'s xxbos. xxmajor'), ['(', 'xxmaj', ')', 'xxmaj', "'s", 'xxbos', '.', 'xxmajor']);
});

test('addSpecialCase splits a string and rejects pieces that do not join to it', () => {
  const t = new SpacyEnglishTokenizer();
  assert.deepEqual(t.tokenize('wordmill!'), ['wordmill', '!']);
  t.addSpecialCase('wordmill', ['word', 'mill']);
  assert.deepEqual(t.tokenize('wordmill!'), ['word', 'mill', '!']);
  assert.throws(() => t.addSpecialCase('abc', ['a', 'b']), /do not join/);
});

test('tokenizeSpans is lossless and its offsets point at the tokens', () => {
  const texts = ['  Hello, world!  How\u00a0are you?\n\n(Fine.) ', "I can't.\r\n\tOK", '', ' ', 'x'];
  for (const text of texts) {
    const spans = tok.tokenizeSpans(text);
    assert.equal(spans.map((s) => s.text + (s.space ? ' ' : '')).join(''), text);
    for (const s of spans) assert.equal(text.slice(s.start, s.end), s.text);
    assert.deepEqual(spans.map((s) => s.text), tok.tokenize(text));
  }
});

test('explain names the rule behind each non-space token, like spaCy', () => {
  assert.deepEqual(tok.explain("(Hello, can't) https://x.org"), [
    ['PREFIX', '('], ['TOKEN', 'Hello'], ['SUFFIX', ','], ['SPECIAL-1', 'ca'], ['SPECIAL-2', "n't"], ['SUFFIX', ')'],
    ['URL_MATCH', 'https://x.org'],
  ]);
  assert.deepEqual(tok.explain('well-known'), [['TOKEN', 'well'], ['INFIX', '-'], ['TOKEN', 'known']]);
});

test('cached and uncached tokenizations agree, across many documents', () => {
  const cold = () => new SpacyEnglishTokenizer({ cacheLimit: 3 });
  const doc = "He said: \"Don't (e.g. U.S.A.) go!\" — it's 5pm... www.example.com/a?b=c; ok";
  const warm = new SpacyEnglishTokenizer();
  const first = warm.tokenize(doc);
  assert.deepEqual(warm.tokenize(doc), first);
  assert.deepEqual(cold().tokenize(doc), first);
});

test('long and pathological inputs finish (linear-ish affix loop)', () => {
  const t = new SpacyEnglishTokenizer();
  assert.equal(t.tokenize('('.repeat(100_000)).length, 100_000);
  assert.equal(t.tokenize(')'.repeat(100_000)).length, 100_000);
  assert.equal(t.tokenize('!?'.repeat(50_000)).length, 100_000);
  assert.deepEqual(t.tokenize('.'.repeat(100_000)), ['.'.repeat(100_000)]);
  assert.equal(t.tokenize('a-'.repeat(50_000)).length, 99_999);
  const line = 'The quick brown fox, (jumped) over the lazy dog! '.repeat(400_000); // ~20 MB, one line
  const tokens = t.tokenize(line);
  assert.equal(tokens.length, 13 * 400_000);
  assert.equal(tokens[tokens.length - 1], '!');
});
