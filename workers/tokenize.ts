/**
 * piscina worker: clean and tokenize one chunk of documents. The processor (rules + tokenizer, with
 * its chunk cache) and the token dictionary are built once per worker and spec: building the
 * tokenizer's tables costs far more than tokenizing a small chunk, and a lasting dictionary means
 * only new tokens are sent back.
 */
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { WordmillError } from '../src/errors.js';
import { loadTextProcessor } from '../src/text/load-processor.js';
import type { TextProcessor } from '../src/text/setup.js';
import type { ResolvedText } from '../src/text/resolve.js';
import type { ChunkResult, ChunkTask } from '../src/pool/protocol.js';

interface Setup { proc: TextProcessor; dict: Map<string, number> }
const setups = new Map<string, Promise<Setup>>();

/**
 * The spec's processor, loading only its tokenizer's modules (the whole text stage, zod and spaCy's
 * tables included, was ~100 ms of every worker's start). A failed setup is forgotten, so the next
 * chunk tries again and fails with the same error.
 */
function setupFor(spec: ResolvedText): Promise<Setup> {
  const key = JSON.stringify(spec);
  let setup = setups.get(key);
  if (!setup) {
    setup = loadTextProcessor(spec).then((proc) => ({ proc, dict: new Map() }));
    setups.set(key, setup);
    setup.catch(() => setups.delete(key));
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

/** Per dictionary, vocabulary id → the dictionary's id (-1: not yet seen), for processors that give ids. */
const byVocab = new WeakMap<Map<string, number>, Int32Array>();

/**
 * Tokenizes `task` with `proc`, numbering tokens in `dict` (which keeps growing across chunks). A
 * processor that gives vocabulary ids (`proc.byId`) is numbered through a typed table by
 * vocabulary id instead of a Map lookup per token string; the numbering is the same.
 */
export function tokenizeChunk(task: ChunkTask, proc: TextProcessor, dict: Map<string, number>, worker = threadId): ChunkResult {
  const base = dict.size;
  const fresh: string[] = [];
  const byId = proc.byId;
  let table = byVocab.get(dict);
  if (byId && !table) {
    table = new Int32Array(byId.vocab.length).fill(-1);
    byVocab.set(dict, table);
  }
  // Vocabulary ids this chunk entered in `table`, to forget with `fresh` if the chunk fails.
  const entered: number[] = [];
  const number = (tok: string): number => {
    let id = dict.get(tok);
    if (id === undefined) {
      id = dict.size;
      dict.set(tok, id);
      fresh.push(tok);
    }
    return id;
  };
  let ids = new Uint32Array(1024);
  let n = 0;
  const reserve = (more: number): void => {
    if (n + more <= ids.length) return;
    const grown = new Uint32Array(Math.max(ids.length * 2, n + more));
    grown.set(ids.subarray(0, n));
    ids = grown;
  };
  const lengths = new Uint32Array(task.texts.length);
  for (let d = 0; d < task.texts.length; d++) {
    const start = n;
    try {
      if (byId && table) {
        const got = byId.tokens(task.texts[d], task.pieces?.[d] ?? undefined);
        reserve(got.ids.length + 2);
        if (got.before !== undefined) ids[n++] = number(got.before);
        for (let k = 0; k < got.ids.length; k++) {
          const v = got.ids[k];
          let id = table[v];
          if (id < 0) {
            id = number(byId.vocab[v]);
            table[v] = id;
            entered.push(v);
          }
          ids[n++] = id;
        }
        if (got.after !== undefined) ids[n++] = number(got.after);
      } else {
        const tokens = proc(task.texts[d], task.pieces?.[d] ?? undefined);
        reserve(tokens.length);
        for (const tok of tokens) ids[n++] = number(tok);
      }
    } catch (err) {
      // The main thread never sees this chunk's ids: forget what it added, so the dictionary stays
      // in step with what the main thread knows.
      for (const tok of fresh) dict.delete(tok);
      for (const v of entered) table![v] = -1;
      // A WordmillError keeps its code and details; anything else is the tokenizer failing.
      const e = WordmillError.from(err, 'WM_ERR_TOKENIZE', 'the tokenizer failed');
      const docId = task.ids[d];
      return { ok: false, error: { ...e.toJSON(), message: `tokenizing ${docId}: ${e.message}`, details: { ...e.details, docId } } };
    }
    lengths[d] = n - start;
  }
  // A tight copy, so the transferred buffer carries no slack.
  return { ok: true, worker, base, fresh, ids: ids.slice(0, n), lengths };
}

export default async function run(task: ChunkTask): Promise<unknown> {
  const { proc, dict } = await setupFor(task.spec);
  return move(new Reply(tokenizeChunk(task, proc, dict)) as never);
}
