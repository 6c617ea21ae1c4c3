import { diskError } from '../../disk/errors.js';
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { WordmillError } from '../../errors.js';
import path from 'node:path';
import type { TextSpec } from '../../pipeline/spec.js';
import { loadModelFile } from '../../text/index.js';
import { tokenizeDocs, type TokenChunk } from '../../pool/pool.js';
import type { Doc } from '../../types.js';
import { cliContext } from '../common.js';
import { rulesOption, tokenizerOption, workersOption } from '../stage-flags.js';

interface Flags { rules: TextSpec['rules']; tokenizer: TextSpec['tokenizer']; subwordModel?: string; workers?: number; quiet?: boolean }

/** JSON lines `{id, text}` → `Doc`s; a malformed line fails naming its line number. */
async function* readJsonLines(input: NodeJS.ReadableStream): AsyncGenerator<Doc> {
  let line = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (raw.trim() === '') continue;
    let rec: { id?: unknown; text?: unknown };
    try {
      rec = JSON.parse(raw) as typeof rec;
    } catch (err) {
      throw new WordmillError('WM_ERR_INPUT', `stdin line ${line}: not JSON (${(err as Error).message})`, { line });
    }
    if (typeof rec.text !== 'string') throw new WordmillError('WM_ERR_INPUT', `stdin line ${line}: "text" must be a string`, { line });
    yield { id: rec.id === undefined ? `line-${line}` : String(rec.id), split: 'stdin', text: rec.text };
  }
}

/** Token chunks → JSON lines `{id, tokens}`, one per document, in input order. */
async function* formatChunks(chunks: AsyncIterable<TokenChunk>, stats: { docs: number; tokens: number }): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    let lines = '';
    let off = 0;
    for (let d = 0; d < chunk.docs.length; d++) {
      const len = chunk.lengths[d];
      const tokens = new Array<string>(len);
      for (let i = 0; i < len; i++) tokens[i] = chunk.tokens[chunk.ids[off + i]];
      off += len;
      lines += `${JSON.stringify({ id: chunk.docs[d].id, tokens })}\n`;
    }
    stats.docs += chunk.docs.length;
    stats.tokens += off;
    yield lines;
  }
}

export function register(program: Command): void {
  program.command('tokenize')
    .description('tokenize JSON lines {"id","text"} from stdin into {"id","tokens"} on stdout, in order')
    .addOption(rulesOption('text rules applied before tokenizing').default('none'))
    .addOption(tokenizerOption('tokenizer (gpt2 sees raw text: --rules does not apply to it)').default('spacy-en'))
    .option('--subword-model <file>', 'the SentencePiece .model that --tokenizer subword encodes with')
    .addOption(workersOption('worker threads (default: available parallelism)'))
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (flags: Flags) => {
      const ctx = cliContext({ quiet: true });
      if (flags.tokenizer === 'subword' && flags.subwordModel === undefined) {
        throw new WordmillError('WM_ERR_OPTION', '--tokenizer subword needs --subword-model <file> (a SentencePiece .model)');
      }
      if (flags.subwordModel !== undefined && flags.tokenizer !== 'subword') {
        throw new WordmillError('WM_ERR_OPTION', '--subword-model is only for --tokenizer subword');
      }
      const text: TextSpec = { rules: flags.rules, tokenizer: flags.tokenizer, ...(flags.subwordModel !== undefined && { subword: { model: path.resolve(flags.subwordModel) } }) };
      // Read and checked here, so a bad file is one clear error before any worker starts.
      if (text.subword?.model !== undefined) loadModelFile(text.subword.model);
      const stats = { docs: 0, tokens: 0 };
      const started = performance.now();
      try {
        await pipeline(
          readJsonLines(process.stdin),
          // Each input line is already one string in memory and each output line one document: no pieces.
          (docs: AsyncIterable<Doc>) => tokenizeDocs(docs, { text, workers: flags.workers, pieceChars: 2 ** 30 }, ctx),
          (chunks: AsyncIterable<TokenChunk>) => formatChunks(chunks, stats),
          process.stdout,
          { signal: ctx.signal },
        );
      } catch (e) {
        // The only file this command writes is its output: a full disk or closed pipe there is named as such.
        const sys = (e as NodeJS.ErrnoException).syscall;
        throw sys === 'write' ? diskError(e, 'standard output', 'cannot write the tokens') : e;
      } finally {
        ctx.close();
      }
      const secs = (performance.now() - started) / 1000;
      if (!flags.quiet) {
        process.stderr.write(`tokenize: ${stats.docs} docs, ${stats.tokens} tokens, ${secs.toFixed(2)} s, ${Math.round(stats.tokens / secs)} tokens/s\n`);
      }
    });
}
