import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT2_TOKENIZER_FILES, isGpt2Vocab, mergesOfRanks, saveGpt2Tokenizer } from '../../src/train/hf/gpt2-tokenizer.js';
import { Gpt2Tokenizer } from '../../src/text/gpt2/tokenizer.js';
import { BYTE_TO_CHAR } from '../../src/text/gpt2/bytes.js';
import { pieceEnd } from '../../src/text/gpt2/pretokenize.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// tiktoken's ids for edge cases (whitespace runs, emoji, contractions), from test/fixtures/gpt2/make_expected.py.
const cases = (JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/gpt2/expected.json'), 'utf8')) as { cases: { text: string; ordinary: number[] }[] }).cases;

/** The shared parity texts (WORDMILL_PARITY_DIR, else the nearest shared/parity above the checkout), if any. */
function parityDir(): string | undefined {
  if (process.env.WORDMILL_PARITY_DIR) return process.env.WORDMILL_PARITY_DIR;
  for (let d = ROOT, i = 0; i < 4; i++, d = path.dirname(d)) {
    const p = path.join(d, 'shared', 'parity');
    if (existsSync(path.join(p, 'spacy-en', 'public.jsonl'))) return p;
  }
  return undefined;
}

/**
 * Hugging Face's byte-level BPE as its files define it, written independently of src/text/gpt2/bpe.ts:
 * each pre-token's bytes become GPT-2's characters; the adjacent pair with the lowest line number in
 * merges.txt is joined until none is listed; vocab.json numbers the parts.
 */
function hfEncoder(vocab: Record<string, number>, mergesTxt: string): (text: string) => number[] {
  const lines = mergesTxt.split('\n');
  assert.equal(lines[0], '#version: 0.2');
  const rank = new Map(lines.slice(1).filter((l) => l).map((l, r) => [l, r] as const));
  const word = (chars: string[]): number[] => {
    let parts = chars;
    for (;;) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) { best = i; bestRank = r; }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    return parts.map((p) => { assert.ok(p in vocab, `${JSON.stringify(p)} is not in vocab.json`); return vocab[p]; });
  };
  return (text) => {
    const ids: number[] = [];
    for (let i = 0; i < text.length;) {
      const end = pieceEnd(text, i);
      ids.push(...word(Array.from(Buffer.from(text.slice(i, end), 'utf8'), (b) => BYTE_TO_CHAR[b])));
      i = end;
    }
    return ids;
  };
}

let dir: string;
let vocab: Record<string, number>;
let merges: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wm-hf-tok-'));
  assert.deepEqual(await saveGpt2Tokenizer(dir, 1024), GPT2_TOKENIZER_FILES.map((f) => path.join(dir, f)));
  vocab = JSON.parse(await readFile(path.join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
  merges = await readFile(path.join(dir, 'merges.txt'), 'utf8');
});
after(() => rm(dir, { recursive: true, force: true }));

test('hf tokenizer files: vocab.json, merges.txt and the configs GPT2TokenizerFast loads, with GPT-2\'s ids and merges', async () => {
  assert.equal(Object.keys(vocab).length, 50257);
  // GPT-2's own numbering (its published vocab.json).
  assert.deepEqual([vocab['!'], vocab['Ġ'], vocab['Ġthe'], vocab['the'], vocab['<|endoftext|>']], [0, 220, 262, 1169, 50256]);
  assert.equal(new Set(Object.values(vocab)).size, 50257);
  const lines = merges.split('\n');
  assert.equal(lines[0], '#version: 0.2');
  assert.equal(lines.at(-1), '', 'the file ends with a newline');
  assert.equal(lines.length - 2, 50000);
  assert.deepEqual(lines.slice(1, 4), ['Ġ t', 'Ġ a', 'h e']);
  assert.ok(lines.slice(1, -1).every((l) => /^\S+ \S+$/.test(l)));
  const config = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'));
  assert.deepEqual(config, {
    add_prefix_space: false, backend: 'tokenizers', bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>',
    errors: 'replace', model_max_length: 1024, pad_token: null, tokenizer_class: 'GPT2Tokenizer',
  });
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'special_tokens_map.json'), 'utf8')), { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>' });
});

test('hf tokenizer files: BPE by merges.txt and vocab.json gives tiktoken\'s ids on the edge cases', () => {
  const encode = hfEncoder(vocab, merges);
  assert.ok(cases.length >= 20);
  for (const c of cases) assert.deepEqual(encode(c.text), c.ordinary, JSON.stringify(c.text));
});

test('hf tokenizer files: BPE by merges.txt and vocab.json gives wordmill\'s ids on shared parity documents', (t) => {
  const parity = parityDir();
  if (!parity) { t.skip('no shared/parity directory above the checkout (set WORDMILL_PARITY_DIR)'); return; }
  const encode = hfEncoder(vocab, merges);
  const tok = new Gpt2Tokenizer();
  let compared = 0;
  for (const set of ['spacy-en', 'fastai-rules']) {
    const docs: string[] = readFileSync(path.join(parity, set, 'public.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
    // Every 60th document: a handful from each set (the test-side BPE is quadratic per word).
    for (let i = 0; i < docs.length; i += 60, compared++) assert.deepEqual(encode(docs[i]), tok.encode(docs[i]), `${set} document ${i}`);
  }
  assert.ok(compared >= 20, `${compared} parity documents`);
});

test('hf tokenizer: merges come from the ranks, each token of rank ≥ 256 the join of two lower-ranked ones', () => {
  // A toy byte-level BPE: "ab" (rank 3) then "abc" (rank 4) = "ab" + "c", and "bc" ranked after "abc" is not used for it.
  assert.deepEqual(mergesOfRanks(['a', 'b', 'c', 'ab', 'abc', 'bc']), [['a', 'b'], ['ab', 'c'], ['b', 'c']]);
  assert.throws(() => mergesOfRanks(['a', 'b', 'c', 'abc']), /not the merge of two lower-ranked tokens/);
  const own = new Gpt2Tokenizer().vocab;
  assert.equal(isGpt2Vocab(own), true);
  assert.equal(isGpt2Vocab(own.slice(0, -1)), false);
  assert.equal(isGpt2Vocab(own.map((t, i) => (i === 262 ? 'the' : t))), false);
});
