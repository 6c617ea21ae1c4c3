/**
 * piscina worker: clean and tokenize one chunk of documents. The processor (rules + tokenizer, with
 * its chunk cache) and the token dictionary are built once per worker and spec: building the
 * tokenizer's tables costs far more than tokenizing a small chunk, and a lasting dictionary means
 * only new tokens are sent back.
 */
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { WordmillError } from '../src/errors.js';
import { makeTextProcessor, type TextProcessor } from '../src/text/index.js';
import type { TextSpec } from '../src/pipeline/spec.js';
import type { ChunkResult, ChunkTask } from '../src/pool/protocol.js';

interface Setup { proc: TextProcessor; dict: Map<string, number> }
const setups = new Map<string, Setup>();

function setupFor(spec: TextSpec): Setup {
  const key = JSON.stringify(spec);
  let setup = setups.get(key);
  if (!setup) {
    setup = { proc: makeTextProcessor(spec), dict: new Map() };
    setups.set(key, setup);
  }
  return setup;
}

/** Hands both typed arrays' buffers to the main thread instead of structured-cloning them. */
class Reply {
  constructor(private readonly result: ChunkResult) {}
  get [transferableSymbol](): object {
    return this.result.ok ? [this.result.ids.buffer, this.result.lengths.buffer] : [];
  }
  get [valueSymbol](): object {
    return this.result;
  }
}

/** Tokenizes `task` with `proc`, numbering tokens in `dict` (which keeps growing across chunks). */
export function tokenizeChunk(task: ChunkTask, proc: TextProcessor, dict: Map<string, number>, worker = threadId): ChunkResult {
  const base = dict.size;
  const fresh: string[] = [];
  let ids = new Uint32Array(1024);
  let n = 0;
  const lengths = new Uint32Array(task.texts.length);
  for (let d = 0; d < task.texts.length; d++) {
    let tokens: string[];
    try {
      tokens = proc(task.texts[d], task.pieces?.[d] ?? undefined);
    } catch (err) {
      // The main thread never sees this chunk's ids: forget what it added, so the dictionary stays
      // in step with what the main thread knows.
      for (const tok of fresh) dict.delete(tok);
      // A WordmillError keeps its code and details; anything else is the tokenizer failing.
      const e = WordmillError.from(err, 'WM_ERR_TOKENIZE', 'the tokenizer failed');
      const docId = task.ids[d];
      return { ok: false, error: { ...e.toJSON(), message: `tokenizing ${docId}: ${e.message}`, details: { ...e.details, docId } } };
    }
    if (n + tokens.length > ids.length) {
      const grown = new Uint32Array(Math.max(ids.length * 2, n + tokens.length));
      grown.set(ids.subarray(0, n));
      ids = grown;
    }
    for (const tok of tokens) {
      let id = dict.get(tok);
      if (id === undefined) {
        id = dict.size;
        dict.set(tok, id);
        fresh.push(tok);
      }
      ids[n++] = id;
    }
    lengths[d] = tokens.length;
  }
  // A tight copy, so the transferred buffer carries no slack.
  return { ok: true, worker, base, fresh, ids: ids.slice(0, n), lengths };
}

export default function run(task: ChunkTask): unknown {
  const { proc, dict } = setupFor(task.spec);
  return move(new Reply(tokenizeChunk(task, proc, dict)) as never);
}
