/**
 * piscina worker: clean and tokenize one chunk of documents. The processor (rules + tokenizer, with
 * its chunk cache) is built once per worker and spec, because building the tokenizer's tables costs
 * far more than tokenizing a small chunk.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { makeTextProcessor } from '../src/text/index.js';
import type { TextSpec } from '../src/pipeline/spec.js';
import type { ChunkResult, ChunkTask } from '../src/pool/protocol.js';

const processors = new Map<string, (text: string) => string[]>();

function processorFor(spec: TextSpec): (text: string) => string[] {
  const key = JSON.stringify(spec);
  let proc = processors.get(key);
  if (!proc) {
    proc = makeTextProcessor(spec);
    processors.set(key, proc);
  }
  return proc;
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

export function tokenizeChunk(task: ChunkTask, proc = processorFor(task.spec)): ChunkResult {
  const index = new Map<string, number>();
  const distinct: string[] = [];
  let ids = new Uint32Array(1024);
  let n = 0;
  const lengths = new Uint32Array(task.texts.length);
  for (let d = 0; d < task.texts.length; d++) {
    let tokens: string[];
    try {
      tokens = proc(task.texts[d]);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { code: 'WM_ERR_TOKENIZE', message, docId: task.ids[d] } };
    }
    if (n + tokens.length > ids.length) {
      const grown = new Uint32Array(Math.max(ids.length * 2, n + tokens.length));
      grown.set(ids.subarray(0, n));
      ids = grown;
    }
    for (const tok of tokens) {
      let id = index.get(tok);
      if (id === undefined) {
        id = distinct.length;
        index.set(tok, id);
        distinct.push(tok);
      }
      ids[n++] = id;
    }
    lengths[d] = tokens.length;
  }
  // A tight copy, so the transferred buffer carries no slack.
  return { ok: true, distinct, ids: ids.slice(0, n), lengths };
}

export default function run(task: ChunkTask): unknown {
  return move(new Reply(tokenizeChunk(task)) as never);
}
