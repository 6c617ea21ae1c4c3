import type { AnyBatch, BatchStream, LMBatchOut } from '../batch/types.js';
import type { TokenStore } from '../store/reader.js';
import type { ClsBatch } from '../types.js';

export interface ShownRow {
  /** The input row decoded to tokens joined by spaces (fastai's `show_batch` text column). */
  x: string;
  /** The target row (language models). */
  y?: string;
  /** The label name (classification). */
  label?: string;
  /** Classification: the document's position in its split and its length in tokens (before truncation). */
  index?: number;
  tokens?: number;
}

/** fastai's `show_batch` cuts each text at `trunc_at=150` tokens. */
export const SHOW_TRUNC_AT = 150;

/**
 * fastai's `show_batch`: the first `n` batches of `stream` decoded back to text, one entry per row, x and
 * y side by side. Classification rows drop their padding and are cut at `truncAt` tokens, as fastai's
 * `Pad_Chunk.decodes` and `trunc_at` do (a padded SpamAssassin row is otherwise 85,000 characters of
 * `xxpad`). Takes the batches from the stream, so it advances it.
 */
export function showBatch(store: TokenStore, stream: BatchStream<AnyBatch>, n = 1, maxRows = 9, truncAt = SHOW_TRUNC_AT): ShownRow[][] {
  const out: ShownRow[][] = [];
  const it = stream[Symbol.iterator]();
  for (let k = 0; k < n; k++) {
    const r = it.next();
    if (r.done) break;
    out.push(decodeBatch(store, r.value, maxRows, truncAt));
  }
  return out;
}

function decodeBatch(store: TokenStore, b: AnyBatch, maxRows: number, truncAt: number): ShownRow[] {
  const text = (ids: ArrayLike<number>) => store.vocab.decode(ids).join(' ');
  const rows: ShownRow[] = [];
  const n = Math.min(b.bs, maxRows);
  if ('labels' in b) {
    const c = b as ClsBatch;
    const pad = store.vocab.stoi('xxpad');
    for (let r = 0; r < n; r++) {
      const l = c.labels[r];
      const row = c.x.subarray(r * c.seqLen, (r + 1) * c.seqLen);
      const ids = pad < 0 ? row : row.filter((t) => t !== pad);
      const cut = ids.length > truncAt ? `${text(ids.subarray(0, truncAt))} …` : text(ids);
      rows.push({ x: cut, label: store.meta.labels?.[l] ?? String(l), index: c.index[r], tokens: c.lengths[r] });
    }
    return rows;
  }
  const lm = b as LMBatchOut;
  const row = (a: Int32Array, r: number) => lm.layout === 'sequence-major'
    ? Array.from({ length: lm.seqLen }, (_, t) => a[t * lm.bs + r])
    : a.subarray(r * lm.seqLen, (r + 1) * lm.seqLen);
  for (let r = 0; r < n; r++) rows.push({ x: text(row(lm.x, r)), y: text(row(lm.y, r)) });
  return rows;
}

/** Plain-text rendering: `x:` and `y:` lines per row, whitespace tokens made visible. */
export function formatShown(batches: ShownRow[][]): string {
  const vis = (s: string) => s.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  const lines: string[] = [];
  batches.forEach((rows, k) => {
    lines.push(`batch ${k}`);
    rows.forEach((row, r) => {
      lines.push(`  [${r}] x: ${vis(row.x)}`);
      if (row.y !== undefined) lines.push(`      y: ${vis(row.y)}`);
      if (row.label !== undefined) lines.push(`      label: ${row.label}${row.index !== undefined ? `  (document ${row.index}, ${row.tokens} tokens)` : ''}`);
    });
  });
  return lines.join('\n');
}
