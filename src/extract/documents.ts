import { Readable } from 'node:stream';
import { validateOptions, z } from '../schema/index.js';
import type { MemberRule } from '../pipeline/spec.js';
import type { Doc, Entry } from '../types.js';
import { Utf8Text } from './decode.js';
import { docBuilder, type Built } from './modes.js';
import { extractSchema } from './options.js';
import { Selector } from './select.js';
import { isTable, tableRows } from './table.js';
import { splitOf } from './valid.js';
import { newStats, noteBinary, type ExtractStats } from './stats.js';
import { SAMPLE_BYTES, sniff } from './sniff.js';
import { WordmillError } from '../errors.js';

export interface DocOptions {
  crlf?: boolean;
  streamChunk?: number;
  /** A `file` document, `lines` line or WikiText article longer than this is given out in pieces (Doc.piece). */
  pieceChars?: number;
  stats?: ExtractStats;
  /** Every member path of the archive, for `every`/`offset` rules (counted in sorted order). */
  listing?: string[];
  /** Keep a passed Selector's `every`/`offset` counts: these entries continue the same source (a directory's next file). */
  continueCounts?: boolean;
  /** What a member that is not text does: fail naming it (default) or get skipped and listed in the stats. A rule's own `binary` wins. */
  binary?: 'error' | 'skip';
  /** The file the entries come from, to name it beside the member in errors. */
  source?: string;
  signal?: AbortSignal;
  /** Document ids become `<idPrefix>#<index>` instead of `<member path>#<index>` (a byte range of a file). */
  idPrefix?: string;
}

const schema = z.strictObject({
  crlf: extractSchema.shape.crlf,
  streamChunk: extractSchema.shape.streamChunk,
  pieceChars: extractSchema.shape.pieceChars,
  stats: z.unknown().optional(),
  listing: z.array(z.string()).optional(),
  continueCounts: z.boolean().default(false),
  binary: extractSchema.shape.binary,
  source: z.string().optional(),
  signal: z.unknown().optional(),
  idPrefix: z.string().optional(),
});

/** The first SAMPLE_BYTES of a body (or all of it), as the chunks read, for sniff(). */
async function sample(chunks: AsyncIterator<Buffer>): Promise<{ bytes: Buffer; chunks: Buffer[]; done: boolean }> {
  const got: Buffer[] = [];
  let n = 0;
  while (n < SAMPLE_BYTES) {
    const r = await chunks.next();
    if (r.done) return { bytes: Buffer.concat(got), chunks: got, done: true };
    got.push(r.value);
    n += r.value.length;
  }
  return { bytes: got.length === 1 ? got[0] : Buffer.concat(got), chunks: got, done: false };
}

/** The sampled chunks, then the rest of the body. */
async function* replay(head: { chunks: Buffer[]; done: boolean }, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head.chunks;
  if (head.done) return;
  for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
}

/**
 * Entries → documents: member selection by the rules, content sniffing (binary members refused or,
 * with `binary: "skip"`, skipped and listed in the stats; UTF-8/16/32 told by their BOM), decoding,
 * the rule's docs mode. Ids are
 * `member path#index`. Members no rule selects are closed unread (their bytes are drained by the
 * archive reader), so the entry stream never stalls. A Selector may be passed instead of rules so a
 * caller reading many files compiles the globs once; it is reset here, as if built for this call.
 */
export async function* toDocuments(entries: AsyncIterable<Entry>, rules: MemberRule[] | Selector, opts: DocOptions = {}): AsyncGenerator<Doc> {
  const cfg = validateOptions('toDocuments', schema, opts);
  const stats = (cfg.stats as ExtractStats | undefined) ?? newStats();
  const signal = cfg.signal as AbortSignal | undefined;
  const selector = !(rules instanceof Selector) ? new Selector(rules, cfg.listing) : cfg.continueCounts ? rules : rules.reset(cfg.listing);
  for await (const entry of entries) {
    signal?.throwIfAborted();
    const rule = selector.match(entry.path);
    if (!rule) {
      stats.skipped++;
      entry.body.destroy();
      continue;
    }
    const chunks = (entry.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const head = await sample(chunks);
    const kind = sniff(head.bytes);
    if (kind.kind === 'binary') {
      entry.body.destroy();
      // A plain file is its own member (a folder's file: its path ends with the member name).
      const src = cfg.source;
      const where = !src || src === entry.path || src.endsWith(`/${entry.path}`) ? (src ?? entry.path) : `${src}: member ${entry.path}`;
      if ((rule.binary ?? cfg.binary) === 'error') {
        throw new WordmillError('WM_ERR_ARCHIVE_ENTRY', `${where} is not text (${kind.what}); set source.binary to "skip" to leave such files out`,
          { path: cfg.source ?? entry.path, member: entry.path, what: kind.what });
      }
      noteBinary(stats, `${where} (${kind.what})`);
      continue;
    }
    stats.members++;
    const text = new Utf8Text(cfg.crlf, kind.encoding);
    const body = replay(head, chunks);
    if (isTable(rule)) {
      let row = 0;
      for await (const r of tableRows(Readable.from(body, { objectMode: false }), rule, entry.path, text)) {
        stats.docs++;
        const id = `${cfg.idPrefix ?? entry.path}#${row++}`;
        const d: Doc = { id, split: splitOf(rule, id, r.valid), text: r.text };
        if (r.label !== undefined) d.label = r.label;
        yield d;
      }
      if (text.replacements > 0) stats.replacements[entry.path] = (stats.replacements[entry.path] ?? 0) + text.replacements;
      continue;
    }
    const builder = docBuilder(rule, cfg.streamChunk, cfg.pieceChars);
    let index = 0;
    // Pieces of one long document share its id; the document is counted once, at its last piece.
    let open = false;
    const doc = (b: Built): Doc => {
      const more = typeof b !== 'string';
      const id = `${cfg.idPrefix ?? entry.path}#${index}`;
      const d: Doc = { id, split: splitOf(rule, id), text: more ? b.more : b };
      if (more || open) d.piece = { first: !open, last: !more };
      open = more;
      if (!more) {
        index++;
        stats.docs++;
      }
      if (typeof rule.label === 'string') d.label = rule.label;
      return d;
    };
    for await (const chunk of body) {
      for (const t of builder.push(text.write(chunk))) yield doc(t);
    }
    for (const t of builder.push(text.end())) yield doc(t);
    for (const t of builder.end()) yield doc(t);
    if (text.replacements > 0) stats.replacements[entry.path] = (stats.replacements[entry.path] ?? 0) + text.replacements;
  }
}
