/**
 * Compares wordmill's spaCy-compatible tokenizer with real spaCy on a random corpus made by
 * bench/spacy_diff.py: tokens (tokenize and tokenizeSpans) and explain() rules, per case, with the same
 * CUSTOM special cases for mode "custom". Prints the diff counts and the first differing cases.
 * Usage: `npm run bench -- spacy-diff CASES.jsonl` (make CASES with `python bench/spacy_diff.py N SEED`).
 */
import { readFileSync } from 'node:fs';
import { SpacyEnglishTokenizer } from '../src/text/index.js';

const CUSTOM: Record<string, string[]> = {
  'a b c': ['a b c'], 'New York': ['New', ' ', 'York'], 'x-y': ['x-y'], '...': ['.', '.', '.'],
  'a  b': ['a  b'], 'a\nb': ['a', '\n', 'b'], '(x)': ['(x)'], ':):)': [':)', ':)'], 'b c': ['b c'],
  'Hello World': ['Hello World'], "'' ''": ["''", ' ', "''"], 'cd.': ['cd', '.'], xxbos: ['xxbos'],
};

const file = process.argv.slice(2).find((a) => a.endsWith('.jsonl'));
if (!file) throw new Error('usage: spacy-diff CASES.jsonl');
const plain = new SpacyEnglishTokenizer();
const custom = new SpacyEnglishTokenizer();
for (const [k, v] of Object.entries(CUSTOM)) custom.addSpecialCase(k, v);
let cases = 0;
const diffs = { tokenize: 0, spans: 0, explain: 0 };
let shown = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line) as { mode: string; text: string; tokens: string[]; explain: Array<[string, string]> };
  const tok = c.mode === 'custom' ? custom : plain;
  cases++;
  const got = tok.tokenize(c.text);
  const spans = tok.tokenizeSpans(c.text).map((s) => s.text);
  const ex = tok.explain(c.text);
  const bad: string[] = [];
  if (JSON.stringify(got) !== JSON.stringify(c.tokens)) { diffs.tokenize++; bad.push(`tokenize ${JSON.stringify(got)}`); }
  if (JSON.stringify(spans) !== JSON.stringify(c.tokens)) { diffs.spans++; bad.push(`spans ${JSON.stringify(spans)}`); }
  if (JSON.stringify(ex) !== JSON.stringify(c.explain)) { diffs.explain++; bad.push(`explain ${JSON.stringify(ex)} spaCy ${JSON.stringify(c.explain)}`); }
  if (bad.length && shown++ < 15) process.stdout.write(`${c.mode} ${JSON.stringify(c.text)}\n  spaCy ${JSON.stringify(c.tokens)}\n  ${bad.join('\n  ')}\n`);
}
process.stdout.write(`${cases} cases: tokenize differs in ${diffs.tokenize}, tokenizeSpans in ${diffs.spans}, explain in ${diffs.explain}\n`);
