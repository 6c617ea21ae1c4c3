import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTextProcessor } from '../../src/text/index.js';
import { WordmillError } from '../../src/errors.js';

test('fastai rules + spaCy: markers, specials inside punctuation, whitespace tokens with ▁', () => {
  const p = makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en' });
  assert.deepEqual(p('Hello World! (The) BIG  deal.\n I can\'t'), [
    'xxbos', 'xxmaj', 'hello', 'xxmaj', 'world', '!', '(', 'the', ')', 'xxup', 'big', 'deal', '.', '\n\u2581', 'i', 'ca', "n't"]);
  assert.deepEqual(p('U.S. and N.Y. and e.g. and Mr. Smith'), [
    'xxbos', 'xxup', 'u.s', '.', 'and', 'xxup', 'n.y', '.', 'and', 'e.g.', 'and', 'xxmaj', 'mr', '.', 'xxmaj', 'smith']);
  // replace_rep runs before the case rules: 'Soooo' → 'S xxrep 4 o', and a lone 'S' gets no marker
  assert.deepEqual(p('Soooo!!!! &amp; AAAA'), ['xxbos', 's', 'xxrep', '4', 'o', 'xxrep', '4', '!', '&', '&', 'xxrep', '4', 'a']);
});

test('fastai path reads text with universal newlines first', () => {
  const p = makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en' });
  assert.deepEqual(p('a\r\nb\rc'), p('a\nb\nc'));
  assert.deepEqual(p('a\r\nb'), ['xxbos', 'a', '\n', 'b']);
  const raw = makeTextProcessor({ rules: 'none', tokenizer: 'spacy-en' });
  assert.deepEqual(raw('a\r\nb'), ['a', '\r\n', 'b']);
});

test('bos and eos options follow fastai lowercase(add_bos, add_eos)', () => {
  assert.deepEqual(makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en', eos: true })('Hi'), ['xxbos', 'xxmaj', 'hi', 'xxeos']);
  assert.deepEqual(makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en', bos: false })('Hi'), ['xxmaj', 'hi']);
  assert.deepEqual(makeTextProcessor({ rules: 'none', tokenizer: 'whitespace', bos: true, eos: true })('a b'), ['xxbos', 'a', 'b', 'xxeos']);
  // lowercaseWithEos is a lowercase rule too: bos/eos configure it instead of adding a second xxbos/xxeos.
  assert.deepEqual(makeTextProcessor({ rules: ['lowercaseWithEos'], tokenizer: 'whitespace', bos: true, eos: true })('A b'), ['xxbos', 'a', 'b', 'xxeos']);
  assert.deepEqual(makeTextProcessor({ rules: ['lowercaseWithEos'], tokenizer: 'whitespace', bos: false })('A b'), ['a', 'b', 'xxeos']);
});

test('fastai-wikitext undoes WikiText markup before the fastai rules', () => {
  const p = makeTextProcessor({ rules: 'fastai-wikitext', tokenizer: 'spacy-en' });
  // fixup joins '1 @,@ 000' to '1,000'; fastai's replace_rep then still turns '000' into 'xxrep 3 0'
  assert.deepEqual(p(' = Valkyria = \n 1 @,@ 000 km @-@ long <unk>'),
    ['xxbos', '=', 'xxmaj', 'valkyria', '=', '\n\u2581', '1', ',', 'xxrep', '3', '0', 'km', '-', 'long', 'xxunk']);
});

test('rule lists by name, other tokenizers, and spec errors', () => {
  assert.deepEqual(makeTextProcessor({ rules: ['lowercase'], tokenizer: 'whitespace' })('A B'), ['xxbos', 'a', 'b']);
  assert.deepEqual(makeTextProcessor({ rules: 'none', tokenizer: 'char' })('ab'), ['a', 'b']);
  assert.throws(() => makeTextProcessor({ rules: ['bogus'], tokenizer: 'spacy-en' }),
    (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION' && e.details.option === 'rules[0]' && /"bogus" is not a known rule; known: fixHtml/.test(e.message));
});

test('the text spec is validated at the boundary: unknown options and tokenizers name the option', () => {
  const isOption = (e: unknown, option: string): boolean => e instanceof WordmillError && e.code === 'WM_ERR_OPTION' && e.details.option === option;
  assert.throws(() => makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en', bogus: 1 } as never), (e: unknown) => isOption(e, 'bogus'));
  assert.throws(() => makeTextProcessor({ rules: 'fastai', tokenizer: 'nope' } as never), (e: unknown) => isOption(e, 'tokenizer'));
});
