import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fixHtml, fixup, htmlUnescape, joinFields, lowercase, lowercaseWithEos, replaceAllCaps, replaceMaj, replaceRep,
  replaceSpace, replaceWrep, rmUselessSpaces, specAddSpaces, universalNewlines, defaultRules, RULES, resolveRules,
  applyRules, pyLower, pyStrip, pySplit, SPECIAL_TOKENS, d2lTimeMachine,
} from '../../src/text/index.js';
import { WordmillError } from '../../src/errors.js';

type Case = [string, string];
const table = (name: string, fn: (s: string) => string, cases: Case[]): void => {
  test(name, () => {
    for (const [input, want] of cases) assert.equal(fn(input), want, `${name}(${JSON.stringify(input)})`);
  });
};

table('fixHtml: fastai literal replacements, then html.unescape', fixHtml, [
  ['&amp;', '&&'], // 'amp;' → '&' leaves the original '&'
  ['&quot;hi&quot;', "&'hi&'"],
  ['&lt;b&gt;', '<b>'],
  ['a<br />b', 'a\nb'],
  ['a\\nb', 'a\nb'],
  ['say \\"x\\"', 'say "x"'],
  ['<unk> word', 'xxunk word'],
  ['1 @.@ 5 and well @-@ known', '1.5 and well-known'],
  ['wait....', 'wait ….'],
  ['it#39;s #36;5', "it's $5"],
  ['a&nbsp;b', 'a& b'],
]);

table('htmlUnescape: Python html.unescape semantics', htmlUnescape, [
  ['&lt;&gt;&amp;', '<>&'],
  ['&ampx', '&x'], // longest known prefix without ';'
  ['&copy 2002', '\u00a9 2002'],
  ['&notit;', '\u00acit;'],
  ['&#65;&#x42;&#67', 'ABC'],
  ['&#0;', '\ufffd'],
  ['&#128;', '\u20ac'], // Windows-1252 meaning
  ['&#xD800;', '\ufffd'],
  ['&#99999999;', '\ufffd'],
  ['&#1;', ''],
  ['&unknown;', '&unknown;'],
  ['no refs', 'no refs'],
]);

table('replaceRep: 3+ repeats of a non-space char', replaceRep, [
  ['cccc', ' xxrep 4 c '],
  ['!!!', ' xxrep 3 ! '],
  ['aa', 'aa'],
  ['2000000', '2 xxrep 6 0 '],
  ['www.x.org', ' xxrep 3 w .x.org'],
  ['AAAA', ' xxrep 4 A '],
  ['😀😀😀', ' xxrep 3 😀 '], // counts code points, as Python's len()
  ['   ', '   '],
]);

table('replaceWrep: a word repeated 3+ times, case-sensitive', replaceWrep, [
  ['so so so so good', ' xxwrep 4 so  good'],
  ['go go go.', ' xxwrep 3 go .'],
  ['1 1 1', ' xxwrep 3 1 '],
  ['go go', 'go go'],
  ['Go go go', 'Go go go'],
]);

table('specAddSpaces: / # \\', specAddSpaces, [
  ['a/b#c', 'a / b # c'],
  ['</TITLE>', '< / TITLE>'],
  ['x\\y', 'x \\ y'],
]);

table('rmUselessSpaces: ASCII space runs only', rmUselessSpaces, [
  ['a    b', 'a b'],
  ['a\t\tb', 'a\t\tb'],
  ['a \n  b', 'a \n b'],
  ['a\u00a0\u00a0b', 'a\u00a0\u00a0b'],
]);

table('replaceAllCaps: whitespace-delimited ALL-CAPS words', replaceAllCaps, [
  ['HELLO, world', 'xxup hello, world'],
  ['U.S. and A-18', 'xxup u.s. and xxup a-18'],
  ['I am A X', 'i am a x'], // one letter: lowercased, no marker
  ['ÉCOLE', 'ÉCOLE'], // É is not [A-Z]
  ['"HELLO"', '"HELLO"'],
  ['ABC\u00a0DEF', 'xxup abc\u00a0xxup def'], // NBSP is \s in Python
]);

table('replaceMaj: Capitalised words', replaceMaj, [
  ['Hello, World', 'xxmaj hello, xxmaj world'],
  ['McDonald iPhone', 'McDonald iPhone'],
  ['(The', '(The'],
  ['Élan', 'Élan'],
  ['A b', 'a b'],
  ['Hello\u00a0World', 'xxmaj hello\u00a0xxmaj world'],
]);

table('lowercase: xxbos + Python lower + strip', lowercase, [
  ['  Hello World\n', 'xxbos hello world'],
  ['İSTANBUL', 'xxbos i\u0307stanbul'],
  ['ΟΔΟΣ', 'xxbos οδος'],
  ['\x1cx\x1f', 'xxbos x'], // U+001C–U+001F are whitespace to Python's strip()
]);

table('lowercaseWithEos', lowercaseWithEos, [['A b', 'xxbos a b xxeos']]);
table('replaceSpace: space inside a token → ▁', replaceSpace, [['\n ', '\n\u2581'], ['a b c', 'a\u2581b\u2581c'], ['ab', 'ab']]);
table('universalNewlines: CRLF and lone CR → LF', universalNewlines, [['a\r\nb\rc\r\r\nd', 'a\nb\nc\n\nd']]);
table('fixup: WikiText markup of fastai v0.7', fixup, [
  ['1 @,@ 000 @.@ 5 @-@ x <unk>', '1,000.5-x xxunk'],
  ['a  \\  b', 'a \\ b'],
  ['&amp;', '&&'],
]);

test('joinFields marks fields as fastai does', () => {
  assert.equal(joinFields(['title', 'body']), 'xxfld 1 title xxfld 2 body');
});

test('Python str helpers', () => {
  assert.equal(pyStrip('\ufeff x \x85'), '\ufeff x'); // BOM is not Python whitespace, NEL is
  assert.deepEqual(pySplit(' a\u2009b\u200bc '), ['a', 'b\u200bc']);
  assert.equal(pyLower('ΑΣ'), 'ας');
});

test('defaultRules is fastai text_proc_rules in order, and a whole document goes through them', () => {
  assert.deepEqual(defaultRules.map((r) => r.name),
    ['fixHtml', 'replaceRep', 'replaceWrep', 'specAddSpaces', 'rmUselessSpaces', 'replaceAllCaps', 'replaceMaj', 'lowercase']);
  assert.equal(applyRules('Hello THERE!!!! so so so', defaultRules), 'xxbos xxmaj hello xxup there xxrep 4 ! xxwrep 3 so');
});

test('RULES names rules; resolveRules rejects unknown names with WM_ERR_SPEC', () => {
  assert.equal(RULES.replaceMaj, replaceMaj);
  assert.deepEqual(resolveRules('none'), []);
  assert.equal(resolveRules('fastai-wikitext')[0], fixup);
  assert.deepEqual(resolveRules(['lowercase']), [lowercase]);
  assert.throws(() => resolveRules(['nope']), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_SPEC' && /nope/.test(e.message));
});

test('SPECIAL_TOKENS are fastai\'s nine, in order', () => {
  assert.deepEqual([...SPECIAL_TOKENS], ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj']);
});

test('rules stay linear on long inputs (a 1 MB capital run, repeated words, long repeats)', () => {
  const caps = 'A'.repeat(1_000_000);
  assert.equal(replaceAllCaps(`${caps}b`), `${caps}b`); // fastai's regex backtracks quadratically here
  assert.equal(replaceAllCaps(caps), `xxup ${'a'.repeat(1_000_000)}`);
  assert.equal(replaceMaj(`A${'b'.repeat(1_000_000)}C`), `A${'b'.repeat(1_000_000)}C`);
  assert.equal(replaceWrep(`${'a '.repeat(500_000)}b`), ' xxwrep 500000 a  b');
  assert.equal(replaceRep('-'.repeat(1_000_000)), ' xxrep 1000000 - ');
});

table('d2lTimeMachine: d2l read_time_machine (non-letters → space, strip, lower, lines concatenated)', d2lTimeMachine, [
  ['The Time Machine, by H. G. Wells [1898]', 'the time machine by h g wells'],
  ['I.\n\n\nThe Time Traveller (for so it', 'ithe time traveller for so it'],
  ['  caf\u00e9 -- na\u00efve  ', 'caf na ve'],
  ['', ''],
]);
