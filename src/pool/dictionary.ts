import { WordmillError } from '../errors.js';

const UNSET = 0xffffffff;

interface WorkerTable {
  /** The worker's tokens by its own id, as its replies arrive (a worker replies in the order it works). */
  strings: string[];
  /** Worker id → pool id, filled lazily in corpus order. */
  map: Uint32Array;
}

/**
 * The pool's token list, on the main thread: every token any worker produced, numbered in order of
 * first appearance in corpus order, so the numbering does not depend on the worker count or timing.
 *
 * piscina does not promise that a worker takes its chunks in submission order, so a worker's
 * dictionary may have met a token in a later chunk first. Its strings are therefore registered as
 * replies arrive, but pool ids are assigned only when chunks are merged in submission order, token
 * by token: the first time a worker id is met in corpus order it is looked up (or numbered).
 */
export class PoolDictionary {
  readonly tokens: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly workers = new Map<number, WorkerTable>();

  private table(worker: number): WorkerTable {
    let t = this.workers.get(worker);
    if (!t) {
      t = { strings: [], map: new Uint32Array(0) };
      this.workers.set(worker, t);
    }
    return t;
  }

  /** Records the tokens a worker's reply added to its dictionary (ids `base`, `base + 1`, …). */
  register(worker: number, base: number, fresh: readonly string[]): void {
    const t = this.table(worker);
    if (base !== t.strings.length) {
      throw new WordmillError('WM_ERR_WORKER', `tokenizer worker ${worker} is out of step: its reply starts at token ${base}, ${t.strings.length} were received`);
    }
    for (const tok of fresh) t.strings.push(tok);
  }

  /** Rewrites a worker's ids (in place) into pool ids; call in submission order. */
  merge(worker: number, ids: Uint32Array): void {
    const t = this.table(worker);
    const size = t.strings.length;
    if (t.map.length < size) {
      const grown = new Uint32Array(Math.max(t.map.length * 2, size, 1024)).fill(UNSET);
      grown.set(t.map);
      t.map = grown;
    }
    const map = t.map;
    for (let i = 0; i < ids.length; i++) {
      const local = ids[i];
      // Checked before the lookup: past map.length, map[local] is undefined (not UNSET) and would store as 0.
      if (local >= size) throw new WordmillError('WM_ERR_WORKER', `tokenizer worker ${worker} sent token ${local} but defined only ${size}`);
      let id = map[local];
      if (id === UNSET) {
        id = this.intern(t.strings[local]);
        map[local] = id;
      }
      ids[i] = id;
    }
  }

  private intern(tok: string): number {
    let id = this.index.get(tok);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(tok);
      this.index.set(tok, id);
    }
    return id;
  }
}
