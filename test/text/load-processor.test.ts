import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { test } from 'node:test';
import { makeTextProcessor, makeTokenizer, TOKENIZER_NAMES, type TextOptions } from '../../src/text/index.js';
import { loadTextProcessor } from '../../src/text/load-processor.js';
import { loadTokenizer } from '../../src/text/load-tokenizer.js';
import { resolveTextSpec } from '../../src/text/resolve.js';
import { WordmillError } from '../../src/errors.js';

// A pool worker builds its processor through loadTextProcessor (only the named tokenizer loaded,
// no schema layer): it must be the processor makeTextProcessor builds, and the worker's static
// module graph must really leave the other tokenizers and zod out.
const model = fileURLToPath(new URL('../../../test/fixtures/subword/unigram.model', import.meta.url));
const corpus = readFileSync(new URL('../../../test/fixtures/subword/corpus.txt', import.meta.url), 'utf8').split('\n').filter(Boolean).slice(0, 12);
const TEXTS = [...corpus, '', ' ', 'Hello World!  It\'s <br /> THE end...\r\nxxbos here', 'aaaa bbbb bbbb bbbb ☃😀 café'];

const SPECS: TextOptions[] = [
  ...TOKENIZER_NAMES.filter((t) => t !== 'subword').flatMap((tokenizer) => [{ tokenizer }, { tokenizer, rules: 'fastai' }] as TextOptions[]),
  { tokenizer: 'subword', subword: { model } },
  { tokenizer: 'subword', rules: 'fastai', subword: { model } },
  { tokenizer: 'spacy-en', rules: ['fixHtml', 'lowercase'], bos: true, eos: true },
  { tokenizer: 'whitespace', rules: 'fastai-wikitext', unicode: '9.0' },
  { tokenizer: 'gpt2', raw: false, eos: false },
];

test('loadTextProcessor gives makeTextProcessor\'s tokens and ids for every tokenizer and rule set', async () => {
  for (const spec of SPECS) {
    const want = makeTextProcessor(spec);
    const got = await loadTextProcessor(resolveTextSpec(spec));
    for (const [i, text] of TEXTS.entries()) {
      for (const piece of [undefined, { first: true, last: false }, { first: false, last: true }]) {
        assert.deepEqual(got(text, piece), want(text, piece), `${JSON.stringify(spec)} text ${i} ${JSON.stringify(piece)}`);
        assert.equal(got.byId === undefined, want.byId === undefined);
        if (want.byId) assert.deepEqual(got.byId!.tokens(text, piece), want.byId.tokens(text, piece));
      }
    }
  }
});

test('resolveTextSpec fills every default, and a resolved spec resolves to itself', () => {
  for (const spec of SPECS) {
    const r = resolveTextSpec(spec);
    assert.ok(r.rules !== undefined && r.tokenizer !== undefined && r.unicode !== undefined);
    assert.equal(r.subword !== undefined, r.tokenizer === 'subword');
    assert.deepEqual(resolveTextSpec(r), r);
    // Plain data: what the pool sends its workers (structured clone) and keys their setups by (JSON).
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  }
  assert.deepEqual(resolveTextSpec({}).rules, 'none');
  assert.throws(() => resolveTextSpec({ tokenizer: 'nope' } as never), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION');
});

test('loadTokenizer makes makeTokenizer\'s tokenizers and fails as it does', async () => {
  for (const name of TOKENIZER_NAMES) {
    const a = makeTokenizer(name, { subwordModel: model });
    const b = await loadTokenizer(name, { subwordModel: model });
    assert.equal(b.constructor, a.constructor);
    for (const t of TEXTS) assert.deepEqual(b.tokenize(t), a.tokenize(t));
  }
  const same = async (name: string, opts: { subwordModel?: string }) => {
    let want: unknown;
    try { makeTokenizer(name as never, opts); } catch (e) { want = e; }
    await assert.rejects(loadTokenizer(name as never, opts), (e: unknown) => {
      assert.ok(e instanceof WordmillError && want instanceof WordmillError);
      assert.deepEqual([e.code, e.message, e.details], [want.code, want.message, want.details]);
      return true;
    });
  };
  await same('subword', {});
  await same('nope', {});
  await same('subword', { subwordModel: path.join(path.dirname(model), 'missing.model') });
});

/** Every module `file` imports statically (`import … from`, `export … from`), followed through relative paths. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.startsWith('/')) return seen;
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
    const spec = m[1] ?? m[2];
    staticGraph(spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec, seen);
  }
  return seen;
}

test('the tokenize worker\'s static imports leave out zod, the schema layer and every tokenizer', () => {
  const worker = fileURLToPath(new URL('../../workers/tokenize.js', import.meta.url));
  const graph = [...staticGraph(worker)];
  assert.ok(graph.some((f) => f.endsWith('/text/load-processor.js')), 'the graph was followed');
  for (const f of graph) {
    assert.ok(f !== 'zod' && !/\/(schema|spacy|gpt2|subword)\//.test(f) && !f.endsWith('/simple-tokenizers.js') && !f.endsWith('/make-tokenizer.js'), `the worker imports ${f} statically`);
  }
  // The full text stage does reach them (the check above would see them).
  const index = [...staticGraph(fileURLToPath(new URL('../../src/text/index.js', import.meta.url)))];
  assert.ok(index.includes('zod') && index.some((f) => f.includes('/spacy/')));
});
