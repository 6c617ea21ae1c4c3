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
}

/**
 * fastai's `show_batch`: the first `n` batches of `stream` decoded back to text, one entry per row, x and
 * y side by side. Takes the batches from the stream, so it advances it.
 */
export function showBatch(store: TokenStore, stream: BatchStream<AnyBatch>, n = 1, maxRows = 9): ShownRow[][] {
  const out: ShownRow[][] = [];
  const it = stream[Symbol.iterator]();
  for (let k = 0; k < n; k++) {
    const r = it.next();
    if (r.done) break;
    out.push(decodeBatch(store, r.value, maxRows));
  }
  return out;
}

function decodeBatch(store: TokenStore, b: AnyBatch, maxRows: number): ShownRow[] {
  const text = (ids: ArrayLike<number>) => store.vocab.decode(ids).join(' ');
  const rows: ShownRow[] = [];
  const n = Math.min(b.bs, maxRows);
  if ('labels' in b) {
    const c = b as ClsBatch;
    for (let r = 0; r < n; r++) {
      const l = c.labels[r];
      rows.push({ x: text(c.x.subarray(r * c.seqLen, (r + 1) * c.seqLen)), label: store.meta.labels?.[l] ?? String(l) });
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
      if (row.label !== undefined) lines.push(`      label: ${row.label}`);
    });
  });
  return lines.join('\n');
}
