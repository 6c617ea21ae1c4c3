/**
 * wordmill's gpt2 ids for every document of JSONL files (`{"text": …}` per line), as one JSON array
 * on stdout: the wordmill side of bench/hf_tokenizer_check.py, which compares them with what
 * transformers' GPT2TokenizerFast encodes from an `export-hf` directory.
 *
 *     node dist/bench/gpt2_ids.js FILE.jsonl…
 */
import { readFileSync } from 'node:fs';
import { Gpt2Tokenizer } from '../src/text/gpt2/tokenizer.js';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: node dist/bench/gpt2_ids.js FILE.jsonl…');
const tok = new Gpt2Tokenizer();
const docs = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text));
process.stdout.write(`${JSON.stringify(docs.map((d) => tok.encode(d)))}\n`);
