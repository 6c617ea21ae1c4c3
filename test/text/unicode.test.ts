import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WordmillError } from '../../src/errors.js';
import { makeTextProcessor, isPySpace } from '../../src/text/index.js';
import { forUnicode, replaceWrep, lowercase, replaceMaj } from '../../src/text/rules/index.js';
import { DEFAULT_UNICODE, UNICODE_VERSIONS, pyTables, pyUnicode, type UnicodeVersion } from '../../src/text/unicode/index.js';
import { textSchema } from '../../src/text/options.js';

/*
 * Goldens from the real Pythons (pyenv 3.6.15, 3.7.16, 3.8.18, 3.9.18, 3.11.7, 3.12.1, 3.13.0): per code
 * point and Unicode version, `chr(cp).lower()`, `re.match(r'\w', chr(cp))`, fastai's `replace_wrep` on
 * `c c c.`, and `('Ab' + c + 'Σ').lower()` (final sigma sees whether c is cased in that version). Each row sits on a boundary: letters added in 11.0 (Georgian Mtavruli), 12.0 (Elymaic),
 * 13.0 (U+A7C7), 14.0 (U+A7D0/D6/D8, Glagolitic U+2C2F), 15.0 (Kawi, CJK Ext H, Cyrillic Ext-D), 15.1
 * (CJK Ext I), and letters newer than every supported Python that Node 20 already knows (Garay, U+1C89…).
 */
type Row = [number, Record<UnicodeVersion, [string, boolean, string, string]>];
const ROWS: Row[] = [
  [0x1c90, { '9.0': ["\u1c90", false, "\u1c90 \u1c90 \u1c90.", "ab\u1c90\u03c3"], '11.0': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"], '12.1': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"], '13.0': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"], '14.0': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"], '15.0': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"], '15.1': ["\u10d0", true, " xxwrep 3 \u1c90 .", "ab\u10d0\u03c2"] }],
  [0x10fe0, { '9.0': ["\ud803\udfe0", false, "\ud803\udfe0 \ud803\udfe0 \ud803\udfe0.", "ab\ud803\udfe0\u03c3"], '11.0': ["\ud803\udfe0", false, "\ud803\udfe0 \ud803\udfe0 \ud803\udfe0.", "ab\ud803\udfe0\u03c3"], '12.1': ["\ud803\udfe0", true, " xxwrep 3 \ud803\udfe0 .", "ab\ud803\udfe0\u03c3"], '13.0': ["\ud803\udfe0", true, " xxwrep 3 \ud803\udfe0 .", "ab\ud803\udfe0\u03c3"], '14.0': ["\ud803\udfe0", true, " xxwrep 3 \ud803\udfe0 .", "ab\ud803\udfe0\u03c3"], '15.0': ["\ud803\udfe0", true, " xxwrep 3 \ud803\udfe0 .", "ab\ud803\udfe0\u03c3"], '15.1': ["\ud803\udfe0", true, " xxwrep 3 \ud803\udfe0 .", "ab\ud803\udfe0\u03c3"] }],
  [0xa7c7, { '9.0': ["\ua7c7", false, "\ua7c7 \ua7c7 \ua7c7.", "ab\ua7c7\u03c3"], '11.0': ["\ua7c7", false, "\ua7c7 \ua7c7 \ua7c7.", "ab\ua7c7\u03c3"], '12.1': ["\ua7c7", false, "\ua7c7 \ua7c7 \ua7c7.", "ab\ua7c7\u03c3"], '13.0': ["\ua7c8", true, " xxwrep 3 \ua7c7 .", "ab\ua7c8\u03c2"], '14.0': ["\ua7c8", true, " xxwrep 3 \ua7c7 .", "ab\ua7c8\u03c2"], '15.0': ["\ua7c8", true, " xxwrep 3 \ua7c7 .", "ab\ua7c8\u03c2"], '15.1': ["\ua7c8", true, " xxwrep 3 \ua7c7 .", "ab\ua7c8\u03c2"] }],
  [0xa7d0, { '9.0': ["\ua7d0", false, "\ua7d0 \ua7d0 \ua7d0.", "ab\ua7d0\u03c3"], '11.0': ["\ua7d0", false, "\ua7d0 \ua7d0 \ua7d0.", "ab\ua7d0\u03c3"], '12.1': ["\ua7d0", false, "\ua7d0 \ua7d0 \ua7d0.", "ab\ua7d0\u03c3"], '13.0': ["\ua7d0", false, "\ua7d0 \ua7d0 \ua7d0.", "ab\ua7d0\u03c3"], '14.0': ["\ua7d1", true, " xxwrep 3 \ua7d0 .", "ab\ua7d1\u03c2"], '15.0': ["\ua7d1", true, " xxwrep 3 \ua7d0 .", "ab\ua7d1\u03c2"], '15.1': ["\ua7d1", true, " xxwrep 3 \ua7d0 .", "ab\ua7d1\u03c2"] }],
  [0xa7d6, { '9.0': ["\ua7d6", false, "\ua7d6 \ua7d6 \ua7d6.", "ab\ua7d6\u03c3"], '11.0': ["\ua7d6", false, "\ua7d6 \ua7d6 \ua7d6.", "ab\ua7d6\u03c3"], '12.1': ["\ua7d6", false, "\ua7d6 \ua7d6 \ua7d6.", "ab\ua7d6\u03c3"], '13.0': ["\ua7d6", false, "\ua7d6 \ua7d6 \ua7d6.", "ab\ua7d6\u03c3"], '14.0': ["\ua7d7", true, " xxwrep 3 \ua7d6 .", "ab\ua7d7\u03c2"], '15.0': ["\ua7d7", true, " xxwrep 3 \ua7d6 .", "ab\ua7d7\u03c2"], '15.1': ["\ua7d7", true, " xxwrep 3 \ua7d6 .", "ab\ua7d7\u03c2"] }],
  [0xa7d8, { '9.0': ["\ua7d8", false, "\ua7d8 \ua7d8 \ua7d8.", "ab\ua7d8\u03c3"], '11.0': ["\ua7d8", false, "\ua7d8 \ua7d8 \ua7d8.", "ab\ua7d8\u03c3"], '12.1': ["\ua7d8", false, "\ua7d8 \ua7d8 \ua7d8.", "ab\ua7d8\u03c3"], '13.0': ["\ua7d8", false, "\ua7d8 \ua7d8 \ua7d8.", "ab\ua7d8\u03c3"], '14.0': ["\ua7d9", true, " xxwrep 3 \ua7d8 .", "ab\ua7d9\u03c2"], '15.0': ["\ua7d9", true, " xxwrep 3 \ua7d8 .", "ab\ua7d9\u03c2"], '15.1': ["\ua7d9", true, " xxwrep 3 \ua7d8 .", "ab\ua7d9\u03c2"] }],
  [0x11f04, { '9.0': ["\ud807\udf04", false, "\ud807\udf04 \ud807\udf04 \ud807\udf04.", "ab\ud807\udf04\u03c3"], '11.0': ["\ud807\udf04", false, "\ud807\udf04 \ud807\udf04 \ud807\udf04.", "ab\ud807\udf04\u03c3"], '12.1': ["\ud807\udf04", false, "\ud807\udf04 \ud807\udf04 \ud807\udf04.", "ab\ud807\udf04\u03c3"], '13.0': ["\ud807\udf04", false, "\ud807\udf04 \ud807\udf04 \ud807\udf04.", "ab\ud807\udf04\u03c3"], '14.0': ["\ud807\udf04", false, "\ud807\udf04 \ud807\udf04 \ud807\udf04.", "ab\ud807\udf04\u03c3"], '15.0': ["\ud807\udf04", true, " xxwrep 3 \ud807\udf04 .", "ab\ud807\udf04\u03c3"], '15.1': ["\ud807\udf04", true, " xxwrep 3 \ud807\udf04 .", "ab\ud807\udf04\u03c3"] }],
  [0x31350, { '9.0': ["\ud884\udf50", false, "\ud884\udf50 \ud884\udf50 \ud884\udf50.", "ab\ud884\udf50\u03c3"], '11.0': ["\ud884\udf50", false, "\ud884\udf50 \ud884\udf50 \ud884\udf50.", "ab\ud884\udf50\u03c3"], '12.1': ["\ud884\udf50", false, "\ud884\udf50 \ud884\udf50 \ud884\udf50.", "ab\ud884\udf50\u03c3"], '13.0': ["\ud884\udf50", false, "\ud884\udf50 \ud884\udf50 \ud884\udf50.", "ab\ud884\udf50\u03c3"], '14.0': ["\ud884\udf50", false, "\ud884\udf50 \ud884\udf50 \ud884\udf50.", "ab\ud884\udf50\u03c3"], '15.0': ["\ud884\udf50", true, " xxwrep 3 \ud884\udf50 .", "ab\ud884\udf50\u03c3"], '15.1': ["\ud884\udf50", true, " xxwrep 3 \ud884\udf50 .", "ab\ud884\udf50\u03c3"] }],
  [0x2ebf0, { '9.0': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '11.0': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '12.1': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '13.0': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '14.0': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '15.0': ["\ud87a\udff0", false, "\ud87a\udff0 \ud87a\udff0 \ud87a\udff0.", "ab\ud87a\udff0\u03c3"], '15.1': ["\ud87a\udff0", true, " xxwrep 3 \ud87a\udff0 .", "ab\ud87a\udff0\u03c3"] }],
  [0x10d50, { '9.0': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '11.0': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '12.1': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '13.0': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '14.0': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '15.0': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"], '15.1': ["\ud803\udd50", false, "\ud803\udd50 \ud803\udd50 \ud803\udd50.", "ab\ud803\udd50\u03c3"] }],
  [0x1c89, { '9.0': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '11.0': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '12.1': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '13.0': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '14.0': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '15.0': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"], '15.1': ["\u1c89", false, "\u1c89 \u1c89 \u1c89.", "ab\u1c89\u03c3"] }],
  [0xa7cb, { '9.0': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '11.0': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '12.1': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '13.0': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '14.0': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '15.0': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"], '15.1': ["\ua7cb", false, "\ua7cb \ua7cb \ua7cb.", "ab\ua7cb\u03c3"] }],
  [0x10d4a, { '9.0': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '11.0': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '12.1': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '13.0': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '14.0': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '15.0': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"], '15.1': ["\ud803\udd4a", false, "\ud803\udd4a \ud803\udd4a \ud803\udd4a.", "ab\ud803\udd4a\u03c3"] }],
  [0x16ea0, { '9.0': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '11.0': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '12.1': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '13.0': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '14.0': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '15.0': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"], '15.1': ["\ud81b\udea0", false, "\ud81b\udea0 \ud81b\udea0 \ud81b\udea0.", "ab\ud81b\udea0\u03c3"] }],
  [0x1e030, { '9.0': ["\ud838\udc30", false, "\ud838\udc30 \ud838\udc30 \ud838\udc30.", "ab\ud838\udc30\u03c3"], '11.0': ["\ud838\udc30", false, "\ud838\udc30 \ud838\udc30 \ud838\udc30.", "ab\ud838\udc30\u03c3"], '12.1': ["\ud838\udc30", false, "\ud838\udc30 \ud838\udc30 \ud838\udc30.", "ab\ud838\udc30\u03c3"], '13.0': ["\ud838\udc30", false, "\ud838\udc30 \ud838\udc30 \ud838\udc30.", "ab\ud838\udc30\u03c3"], '14.0': ["\ud838\udc30", false, "\ud838\udc30 \ud838\udc30 \ud838\udc30.", "ab\ud838\udc30\u03c3"], '15.0': ["\ud838\udc30", true, " xxwrep 3 \ud838\udc30 .", "ab\ud838\udc30\u03c2"], '15.1': ["\ud838\udc30", true, " xxwrep 3 \ud838\udc30 .", "ab\ud838\udc30\u03c2"] }],
  [0x130, { '9.0': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '11.0': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '12.1': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '13.0': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '14.0': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '15.0': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"], '15.1': ["i\u0307", true, " xxwrep 3 \u0130 .", "abi\u0307\u03c2"] }],
  [0x41, { '9.0': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '11.0': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '12.1': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '13.0': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '14.0': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '15.0': ["a", true, " xxwrep 3 A .", "aba\u03c2"], '15.1': ["a", true, " xxwrep 3 A .", "aba\u03c2"] }],
  [0xc0, { '9.0': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '11.0': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '12.1': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '13.0': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '14.0': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '15.0': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"], '15.1': ["\u00e0", true, " xxwrep 3 \u00c0 .", "ab\u00e0\u03c2"] }],
  [0x2c2f, { '9.0': ["\u2c2f", false, "\u2c2f \u2c2f \u2c2f.", "ab\u2c2f\u03c3"], '11.0': ["\u2c2f", false, "\u2c2f \u2c2f \u2c2f.", "ab\u2c2f\u03c3"], '12.1': ["\u2c2f", false, "\u2c2f \u2c2f \u2c2f.", "ab\u2c2f\u03c3"], '13.0': ["\u2c2f", false, "\u2c2f \u2c2f \u2c2f.", "ab\u2c2f\u03c3"], '14.0': ["\u2c5f", true, " xxwrep 3 \u2c2f .", "ab\u2c5f\u03c2"], '15.0': ["\u2c5f", true, " xxwrep 3 \u2c2f .", "ab\u2c5f\u03c2"], '15.1': ["\u2c5f", true, " xxwrep 3 \u2c2f .", "ab\u2c5f\u03c2"] }],
];

test('each Unicode version lowercases, counts word characters and repeats words as that Python does', () => {
  for (const [cp, byVersion] of ROWS) {
    const ch = String.fromCodePoint(cp);
    for (const v of UNICODE_VERSIONS) {
      const [low, word, wrep, ctx] = byVersion[v];
      const u = pyUnicode(v);
      const at = `U+${cp.toString(16).toUpperCase()} under Unicode ${v}`;
      assert.equal(u.lower(ch), low, `lower ${at}`);
      assert.equal(u.lower(`Ab${ch}Σ`), ctx, `lower in context ${at}`);
      assert.equal(new RegExp(`^[${u.word}]$`, 'u').test(ch), word, `\\w ${at}`);
      assert.equal(forUnicode([replaceWrep], u)[0](`${ch} ${ch} ${ch}.`), wrep, `replace_wrep ${at}`);
    }
  }
});

test('the default is Python 3.11 (Unicode 14.0) and the named rules are its rules', () => {
  assert.equal(DEFAULT_UNICODE, '14.0');
  assert.equal(textSchema.parse({}).unicode, '14.0');
  assert.equal(lowercase('\uA7D0'), 'xxbos \uA7D1');
  assert.equal(replaceWrep('\u{31350} \u{31350} \u{31350}.'), '\u{31350} \u{31350} \u{31350}.');
  assert.equal(replaceMaj('Ab\u1C89'), 'xxmaj ab\u1C89'); // newer than any supported Python: left alone
});

test('every code point: lower() agrees with the version table, native fast path included', () => {
  for (const v of ['9.0', '14.0', '15.1'] as UnicodeVersion[]) {
    const { lower } = pyTables(v);
    const u = pyUnicode(v);
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const want = lower.get(cp) ?? ch;
      if (u.lower(ch) !== want) assert.fail(`U+${cp.toString(16)} under ${v}: ${JSON.stringify(u.lower(ch))} != ${JSON.stringify(want)}`);
    }
  }
});

test('whitespace is the same in every supported Python (pychars.isPySpace)', () => {
  for (const v of UNICODE_VERSIONS) {
    const spaces = new Set<number>();
    for (const [a, b] of pyTables(v).space) for (let c = a; c <= b; c++) spaces.add(c);
    for (let c = 0; c < 0x10000; c++) assert.equal(isPySpace(c), spaces.has(c), `U+${c.toString(16)} under ${v}`);
    assert.ok([...spaces].every((c) => c < 0x10000));
  }
});

test('text.unicode picks the Python the fastai output is matched to, and is checked at the boundary', () => {
  const doc = 'Q \uA7D0 \u{31350} \u{31350} \u{31350} x \u{2EBF0} \u{2EBF0} \u{2EBF0}';
  const run = (unicode?: string) => makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en', ...(unicode && { unicode }) } as never)(doc);
  assert.deepEqual(run('13.0'), ['xxbos', 'q', '\uA7D0', '\u{31350}', '\u{31350}', '\u{31350}', 'x', '\u{2EBF0}', '\u{2EBF0}', '\u{2EBF0}']);
  assert.deepEqual(run('14.0'), ['xxbos', 'q', '\uA7D1', '\u{31350}', '\u{31350}', '\u{31350}', 'x', '\u{2EBF0}', '\u{2EBF0}', '\u{2EBF0}']);
  assert.deepEqual(run(), run('14.0'));
  assert.deepEqual(run('15.0'), ['xxbos', 'q', '\uA7D1', 'xxwrep', '3', '\u{31350}', 'x', '\u{2EBF0}', '\u{2EBF0}', '\u{2EBF0}']);
  assert.deepEqual(run('15.1'), ['xxbos', 'q', '\uA7D1', 'xxwrep', '3', '\u{31350}', 'x', 'xxwrep', '3', '\u{2EBF0}']);
  assert.throws(() => run('17.0'), (e: unknown) => e instanceof WordmillError && /unicode/.test(e.message) && /14\.0/.test(e.message));
});

test('final sigma reads that Python\'s cased and case-ignorable tables (goldens from each Python)', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ["\u0391\u03a3", { "9.0": "\u03b1\u03c2", "11.0": "\u03b1\u03c2", "12.1": "\u03b1\u03c2", "13.0": "\u03b1\u03c2", "14.0": "\u03b1\u03c2", "15.0": "\u03b1\u03c2", "15.1": "\u03b1\u03c2" }],
    ["\u0391\u03a3.", { "9.0": "\u03b1\u03c2.", "11.0": "\u03b1\u03c2.", "12.1": "\u03b1\u03c2.", "13.0": "\u03b1\u03c2.", "14.0": "\u03b1\u03c2.", "15.0": "\u03b1\u03c2.", "15.1": "\u03b1\u03c2." }],
    ["\u03a3", { "9.0": "\u03c3", "11.0": "\u03c3", "12.1": "\u03c3", "13.0": "\u03c3", "14.0": "\u03c3", "15.0": "\u03c3", "15.1": "\u03c3" }],
    ["\u0391\u03a3\u0391", { "9.0": "\u03b1\u03c3\u03b1", "11.0": "\u03b1\u03c3\u03b1", "12.1": "\u03b1\u03c3\u03b1", "13.0": "\u03b1\u03c3\u03b1", "14.0": "\u03b1\u03c3\u03b1", "15.0": "\u03b1\u03c3\u03b1", "15.1": "\u03b1\u03c3\u03b1" }],
    ["\u0391'\u03a3", { "9.0": "\u03b1'\u03c2", "11.0": "\u03b1'\u03c2", "12.1": "\u03b1'\u03c2", "13.0": "\u03b1'\u03c2", "14.0": "\u03b1'\u03c2", "15.0": "\u03b1'\u03c2", "15.1": "\u03b1'\u03c2" }],
    ["\u0391\u03a3'", { "9.0": "\u03b1\u03c2'", "11.0": "\u03b1\u03c2'", "12.1": "\u03b1\u03c2'", "13.0": "\u03b1\u03c2'", "14.0": "\u03b1\u03c2'", "15.0": "\u03b1\u03c2'", "15.1": "\u03b1\u03c2'" }],
    ["\u0391\u03a3'\u0391", { "9.0": "\u03b1\u03c3'\u03b1", "11.0": "\u03b1\u03c3'\u03b1", "12.1": "\u03b1\u03c3'\u03b1", "13.0": "\u03b1\u03c3'\u03b1", "14.0": "\u03b1\u03c3'\u03b1", "15.0": "\u03b1\u03c3'\u03b1", "15.1": "\u03b1\u03c3'\u03b1" }],
    ["\u0391\u00ad\u03a3", { "9.0": "\u03b1\u00ad\u03c2", "11.0": "\u03b1\u00ad\u03c2", "12.1": "\u03b1\u00ad\u03c2", "13.0": "\u03b1\u00ad\u03c2", "14.0": "\u03b1\u00ad\u03c2", "15.0": "\u03b1\u00ad\u03c2", "15.1": "\u03b1\u00ad\u03c2" }],
    ["\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u039a\u0391\u0399", { "9.0": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "11.0": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "12.1": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "13.0": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "14.0": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "15.0": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9", "15.1": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03ba\u03b1\u03b9" }],
    ["\ua7d0\u03a3", { "9.0": "\ua7d0\u03c3", "11.0": "\ua7d0\u03c3", "12.1": "\ua7d0\u03c3", "13.0": "\ua7d0\u03c3", "14.0": "\ua7d1\u03c2", "15.0": "\ua7d1\u03c2", "15.1": "\ua7d1\u03c2" }],
    ["\ud838\udc30\u03a3", { "9.0": "\ud838\udc30\u03c3", "11.0": "\ud838\udc30\u03c3", "12.1": "\ud838\udc30\u03c3", "13.0": "\ud838\udc30\u03c3", "14.0": "\ud838\udc30\u03c3", "15.0": "\ud838\udc30\u03c3", "15.1": "\ud838\udc30\u03c3" }],
    ["\u03a3\ua7d0", { "9.0": "\u03c3\ua7d0", "11.0": "\u03c3\ua7d0", "12.1": "\u03c3\ua7d0", "13.0": "\u03c3\ua7d0", "14.0": "\u03c3\ua7d1", "15.0": "\u03c3\ua7d1", "15.1": "\u03c3\ua7d1" }],
    ["a\u0345\u03a3", { "9.0": "a\u0345\u03c2", "11.0": "a\u0345\u03c2", "12.1": "a\u0345\u03c2", "13.0": "a\u0345\u03c2", "14.0": "a\u0345\u03c2", "15.0": "a\u0345\u03c2", "15.1": "a\u0345\u03c2" }],
    ["\u1c90\u03a3 x", { "9.0": "\u1c90\u03c3 x", "11.0": "\u10d0\u03c2 x", "12.1": "\u10d0\u03c2 x", "13.0": "\u10d0\u03c2 x", "14.0": "\u10d0\u03c2 x", "15.0": "\u10d0\u03c2 x", "15.1": "\u10d0\u03c2 x" }],
    ["\u03a3\u03a3", { "9.0": "\u03c3\u03c2", "11.0": "\u03c3\u03c2", "12.1": "\u03c3\u03c2", "13.0": "\u03c3\u03c2", "14.0": "\u03c3\u03c2", "15.0": "\u03c3\u03c2", "15.1": "\u03c3\u03c2" }],
    ["x.\u03a3", { "9.0": "x.\u03c2", "11.0": "x.\u03c2", "12.1": "x.\u03c2", "13.0": "x.\u03c2", "14.0": "x.\u03c2", "15.0": "x.\u03c2", "15.1": "x.\u03c2" }],
  ];
  for (const [s, byVersion] of cases) {
    for (const v of UNICODE_VERSIONS) assert.equal(pyUnicode(v).lower(s), byVersion[v], `${JSON.stringify(s)} under ${v}`);
  }
});
